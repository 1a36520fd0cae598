/**
 * Schema migrations, one list for both dialects. Each migration uses Kysely's
 * schema builder with portable types (see `schema.ts`); the only dialect
 * switch is how an auto-incrementing id is spelled.
 *
 * `migrate` runs every pending migration in one transaction on open, so a
 * database is either at the old version or the new one, never in between.
 * A database written by a newer pushtune is refused rather than misread.
 */
import { type Kysely, sql } from "kysely";
import type { ExperimentConfig } from "../../protocol/config/types.js";
import { summaryColumns } from "./experiment-repo.js";
import { createInitialSchema } from "./initial-schema.js";
import type { Database, Dialect } from "./schema.js";

interface Migration {
  version: number;
  up(db: Kysely<Database>, dialect: Dialect): Promise<void>;
}

/** Thrown when the database was migrated by a newer pushtune than this one. */
export class SchemaTooNewError extends Error {
  constructor(
    readonly databaseVersion: number,
    readonly knownVersion: number,
  ) {
    super(
      `database schema version ${databaseVersion} is newer than this pushtune (${knownVersion}); upgrade pushtune`,
    );
    this.name = "SchemaTooNewError";
  }
}

const MIGRATIONS: Migration[] = [
  { version: 1, up: createInitialSchema },
  {
    // Every scheduling pass reads each active experiment's live trials and open operations;
    // without these it read every trial the experiment ever had.
    version: 2,
    async up(db) {
      const s = db.schema;
      await s
        .createIndex("trials_experiment_state")
        .on("trials")
        .columns(["experiment_id", "state"])
        .execute();
      await s
        .createIndex("trial_ops_open")
        .on("trial_ops")
        .columns(["trial_id", "seq"])
        .where(sql.ref("completed"), "=", sql.lit(0))
        .execute();
    },
  },
  {
    // User tokens expire and can be revoked. Tokens issued before have no expiry (null)
    // until they are revoked; new ones get the master's token lifetime.
    version: 3,
    async up(db) {
      await db.schema.alterTable("user_tokens").addColumn("expires_at", "bigint").execute();
      await db.schema.alterTable("user_tokens").addColumn("revoked_at", "bigint").execute();
    },
  },
  {
    // When an allocation was told to stop: how long a trial has been ignoring its preemption.
    version: 4,
    async up(db) {
      await db.schema
        .alterTable("allocations")
        .addColumn("preempt_requested_at", "bigint")
        .execute();
    },
  },
  {
    // A trial that population-based training started from another trial's checkpoint:
    // the trial it replaced a worse one with, and the checkpoint it started from.
    version: 5,
    async up(db) {
      await db.schema.alterTable("trials").addColumn("parent_trial_id", "bigint").execute();
      await db.schema
        .alterTable("trials")
        .addColumn("warm_start_checkpoint_uuid", "text")
        .execute();
    },
  },
  {
    // The resource pool an allocation runs in: after a restart its launcher is that pool's.
    version: 6,
    async up(db) {
      await db.schema
        .alterTable("allocations")
        .addColumn("resource_pool", "text", (c) => c.notNull().defaultTo("default"))
        .execute();
    },
  },
  {
    // The searcher snapshot leaves the experiments row, which every searcher event updates
    // (its last_event_seq): SQLite rewrites a row whole, with a snapshot of thousands of trials.
    version: 7,
    async up(db) {
      await db.schema
        .createTable("searcher_snapshots")
        .addColumn("experiment_id", "bigint", (c) => c.primaryKey().references("experiments.id"))
        .addColumn("seq", "bigint", (c) => c.notNull())
        .addColumn("snapshot", "text", (c) => c.notNull())
        .execute();
      await sql`insert into searcher_snapshots (experiment_id, seq, snapshot)
        select id, searcher_snapshot_seq, searcher_snapshot from experiments
        where searcher_snapshot is not null`.execute(db);
      await db.schema.alterTable("experiments").dropColumn("searcher_snapshot").execute();
      await db.schema.alterTable("experiments").dropColumn("searcher_snapshot_seq").execute();
    },
  },
  {
    // A custom searcher's answers, found by the event they answer: a page of events with
    // their answers, or the check of a repeated post, no longer reads the log to its end.
    version: 8,
    async up(db) {
      await db.schema.alterTable("searcher_events").addColumn("answers", "bigint").execute();
      // The answers logged before: the event each answers is in its JSON.
      const posts = await db
        .selectFrom("searcher_events")
        .select(["experiment_id", "seq", "event"])
        .where("event", "like", '%"operationsPosted"%')
        .execute();
      for (const post of posts) {
        const event = JSON.parse(post.event) as { type: string; triggeredBy?: number };
        if (event.type !== "operationsPosted") continue;
        await db
          .updateTable("searcher_events")
          .set({ answers: event.triggeredBy ?? null })
          .where("experiment_id", "=", post.experiment_id)
          .where("seq", "=", post.seq)
          .execute();
      }
      await db.schema
        .createIndex("searcher_events_answers")
        .on("searcher_events")
        .columns(["experiment_id", "answers"])
        .where(sql.ref("answers"), "is not", null)
        .execute();
    },
  },
  {
    // Searches started before searcher rules were named keep the rules they started under
    // (SEARCHER_RULES): their initialize event says rules null, unknown, for the replay to
    // find. Their snapshots, taken by code that did not record the rules, go.
    version: 9,
    async up(db) {
      await sql`update searcher_events set event = ${'{"type":"initialize","rules":null}'}
        where event = ${'{"type":"initialize"}'}`.execute(db);
      await db.deleteFrom("searcher_snapshots").execute();
    },
  },
  {
    // An experiment's config leaves its row for a table of its own, and the row gains what
    // lists of experiments and pools show of the config (searcher, metric, direction, resource
    // pool): on SQLite, a list read every config (each up to hundreds of KB) to reach the
    // columns after it, and every update of an experiment's progress read its config again.
    version: 10,
    async up(db) {
      await db.schema
        .createTable("experiment_configs")
        .addColumn("experiment_id", "bigint", (c) => c.primaryKey().references("experiments.id"))
        .addColumn("config", "text", (c) => c.notNull())
        .addColumn("config_yaml", "text")
        .execute();
      await sql`insert into experiment_configs (experiment_id, config, config_yaml)
        select id, config, config_yaml from experiments`.execute(db);
      await db.schema
        .alterTable("experiments")
        .addColumn("searcher_name", "text", (c) => c.notNull().defaultTo(""))
        .execute();
      await db.schema
        .alterTable("experiments")
        .addColumn("searcher_metric", "text", (c) => c.notNull().defaultTo(""))
        .execute();
      await db.schema
        .alterTable("experiments")
        .addColumn("smaller_is_better", "integer", (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema.alterTable("experiments").addColumn("resource_pool", "text").execute();
      // A few configs in memory at a time.
      for (let after = 0; ; ) {
        const rows = await db
          .selectFrom("experiment_configs")
          .select(["experiment_id", "config"])
          .where("experiment_id", ">", after)
          .orderBy("experiment_id")
          .limit(50)
          .execute();
        if (rows.length === 0) break;
        for (const row of rows) {
          await db
            .updateTable("experiments")
            .set(summaryColumns(JSON.parse(row.config) as ExperimentConfig))
            .where("id", "=", row.experiment_id)
            .execute();
        }
        after = rows.at(-1)!.experiment_id;
      }
      await db.schema.alterTable("experiments").dropColumn("config").execute();
      await db.schema.alterTable("experiments").dropColumn("config_yaml").execute();
    },
  },
  {
    // A process told there is no next trial holds its slots until it exits, its allocation
    // ended: a restarted master finds it again by this mark, set until it is seen to exit.
    version: 11,
    async up(db) {
      await db.schema
        .alterTable("allocations")
        .addColumn("lingering", "integer", (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createIndex("allocations_lingering")
        .on("allocations")
        .column("id")
        .where(sql.ref("lingering"), "=", sql.lit(1))
        .execute();
    },
  },
  {
    // Such a process outlives its experiment's deletion too: its allocation's row goes with
    // the experiment, so what a restarted master needs to find it and stop it is kept here
    // until it is seen to exit.
    version: 12,
    async up(db) {
      await db.schema
        .createTable("outlived_processes")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("trial_id", "bigint", (c) => c.notNull())
        .addColumn("experiment_id", "bigint", (c) => c.notNull())
        .addColumn("run_id", "integer", (c) => c.notNull())
        .addColumn("slots", "integer", (c) => c.notNull())
        .addColumn("resource_pool", "text", (c) => c.notNull())
        .addColumn("launcher_handle", "text")
        .addColumn("preempt_requested_at", "bigint")
        .execute();
    },
  },
  {
    // A page of an experiment's trials in id order (the trials of a list, their sizes, their
    // ids): SQLite read every trial of the experiment by its (experiment, request id) index
    // and sorted them, for each page of 1,000.
    version: 13,
    async up(db) {
      await db.schema
        .createIndex("trials_experiment_id")
        .on("trials")
        .columns(["experiment_id", "id"])
        .execute();
    },
  },
  {
    // An admin can take a user's access away and give it back: a deactivated user's tokens
    // are refused and their logins too. Every user so far is active (null).
    version: 14,
    async up(db) {
      await db.schema.alterTable("users").addColumn("deactivated_at", "bigint").execute();
    },
  },
];

/** The schema version this code writes and understands. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Arbitrary constant: the PostgreSQL advisory lock that serialises concurrent migrators. */
const MIGRATION_LOCK_KEY = 7_301_846_019;

/**
 * Brings the database to `SCHEMA_VERSION`, or throws `SchemaTooNewError`.
 * Safe when several masters open one PostgreSQL database at once: they take
 * turns on an advisory lock and the later ones find nothing to do.
 */
export async function migrate(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (dialect === "postgres") {
      await sql`select pg_advisory_xact_lock(${sql.lit(MIGRATION_LOCK_KEY)})`.execute(trx);
    }
    await trx.schema
      .createTable("schema_version")
      .ifNotExists()
      .addColumn("id", "integer", (c) => c.primaryKey())
      .addColumn("version", "integer", (c) => c.notNull())
      .execute();
    // A write first: on SQLite it takes the write lock before anything is read.
    await trx
      .insertInto("schema_version")
      .values({ id: 1, version: 0 })
      .onConflict((oc) => oc.column("id").doNothing())
      .execute();
    const { version } = await trx
      .selectFrom("schema_version")
      .select("version")
      .where("id", "=", 1)
      .executeTakeFirstOrThrow();
    if (version > SCHEMA_VERSION) throw new SchemaTooNewError(version, SCHEMA_VERSION);
    for (const migration of MIGRATIONS) {
      if (migration.version <= version) continue;
      await migration.up(trx, dialect);
    }
    if (version < SCHEMA_VERSION) {
      await trx
        .updateTable("schema_version")
        .set({ version: SCHEMA_VERSION })
        .where("id", "=", 1)
        .execute();
    }
  });
}
