/**
 * Schema migrations, one list for both dialects. Each migration uses Kysely's
 * schema builder with portable types (see `schema.ts`); the only dialect
 * switch is how an auto-incrementing id is spelled.
 *
 * `migrate` runs every pending migration in one transaction on open, so a
 * database is either at the old version or the new one, never in between.
 * A database written by a newer pushtune is refused rather than misread.
 */
import { type CreateTableBuilder, type Kysely, sql } from "kysely";
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

/** An id that is never reused: SQLite's AUTOINCREMENT, PostgreSQL's identity. */
function withId<T extends string>(
  table: CreateTableBuilder<T, never>,
  dialect: Dialect,
): CreateTableBuilder<T, "id"> {
  return dialect === "sqlite"
    ? table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    : table.addColumn("id", "bigint", (c) => c.primaryKey().generatedByDefaultAsIdentity());
}

const MIGRATIONS: Migration[] = [
  {
    version: 1,
    async up(db, dialect) {
      const s = db.schema;

      await withId(s.createTable("users"), dialect)
        .addColumn("username", "text", (c) => c.notNull().unique())
        .addColumn("password_hash", "text")
        .addColumn("admin", "integer", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();

      await s
        .createTable("user_tokens")
        .addColumn("token_hash", "text", (c) => c.primaryKey())
        .addColumn("user_id", "bigint", (c) => c.notNull().references("users.id"))
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
      await s.createIndex("user_tokens_user").on("user_tokens").column("user_id").execute();

      await withId(s.createTable("experiments"), dialect)
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("config", "text", (c) => c.notNull())
        .addColumn("config_yaml", "text")
        .addColumn("workdir", "text", (c) => c.notNull())
        .addColumn("owner_id", "bigint", (c) => c.notNull().references("users.id"))
        .addColumn("progress", "double precision", (c) => c.notNull())
        .addColumn("best_metric", "double precision")
        .addColumn("searcher_snapshot", "text")
        .addColumn("searcher_snapshot_seq", "bigint", (c) => c.notNull())
        .addColumn("last_event_seq", "bigint", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("ended_at", "bigint")
        .addColumn("end_reason", "text")
        .execute();
      await s.createIndex("experiments_owner").on("experiments").column("owner_id").execute();

      await s
        .createTable("searcher_events")
        .addColumn("experiment_id", "bigint", (c) => c.notNull().references("experiments.id"))
        .addColumn("seq", "bigint", (c) => c.notNull())
        .addColumn("event", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("searcher_events_pk", ["experiment_id", "seq"])
        .execute();

      await withId(s.createTable("trials"), dialect)
        .addColumn("experiment_id", "bigint", (c) => c.notNull().references("experiments.id"))
        .addColumn("request_id", "bigint", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("hparams", "text", (c) => c.notNull())
        .addColumn("trial_seed", "bigint", (c) => c.notNull())
        .addColumn("restarts", "integer", (c) => c.notNull())
        .addColumn("run_id", "integer", (c) => c.notNull())
        .addColumn("close_requested", "integer", (c) => c.notNull())
        .addColumn("completed_length", "double precision", (c) => c.notNull())
        .addColumn("length_trained", "double precision", (c) => c.notNull())
        .addColumn("latest_checkpoint_uuid", "text")
        .addColumn("latest_validation", "double precision")
        .addColumn("best_validation", "double precision")
        .addColumn("last_op_seq", "integer", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("ended_at", "bigint")
        .addColumn("end_reason", "text")
        .addUniqueConstraint("trials_experiment_request", ["experiment_id", "request_id"])
        .execute();

      await s
        .createTable("trial_ops")
        .addColumn("trial_id", "bigint", (c) => c.notNull().references("trials.id"))
        .addColumn("seq", "integer", (c) => c.notNull())
        .addColumn("length", "double precision", (c) => c.notNull())
        .addColumn("completed", "integer", (c) => c.notNull())
        .addColumn("searcher_metric", "double precision")
        .addPrimaryKeyConstraint("trial_ops_pk", ["trial_id", "seq"])
        .execute();

      await s
        .createTable("allocations")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("trial_id", "bigint", (c) => c.notNull().references("trials.id"))
        .addColumn("experiment_id", "bigint", (c) => c.notNull().references("experiments.id"))
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("run_id", "integer", (c) => c.notNull())
        .addColumn("slots", "integer", (c) => c.notNull())
        .addColumn("token_hash", "text", (c) => c.notNull())
        .addColumn("preempt_requested", "integer", (c) => c.notNull())
        .addColumn("preempt_acked", "integer", (c) => c.notNull())
        .addColumn("launcher_handle", "text")
        .addColumn("exit_code", "integer")
        .addColumn("exit_reason", "text")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("ended_at", "bigint")
        .execute();
      await s.createIndex("allocations_trial").on("allocations").column("trial_id").execute();
      await s
        .createIndex("allocations_experiment")
        .on("allocations")
        .column("experiment_id")
        .execute();
      // Live allocations are few among many terminated ones.
      await s
        .createIndex("allocations_live")
        .on("allocations")
        .column("state")
        .where(sql.ref("state"), "<>", sql.lit("TERMINATED"))
        .execute();

      await withId(s.createTable("metrics"), dialect)
        .addColumn("trial_id", "bigint", (c) => c.notNull().references("trials.id"))
        // Denormalised from the trial and deliberately without a foreign key
        // (it would need a second full index); rows go when their trial goes.
        .addColumn("experiment_id", "bigint", (c) => c.notNull())
        .addColumn("run_id", "integer", (c) => c.notNull())
        .addColumn("metric_group", "text", (c) => c.notNull())
        .addColumn("steps_completed", "bigint", (c) => c.notNull())
        .addColumn("metrics", "text", (c) => c.notNull())
        .addColumn("report_time", "bigint", (c) => c.notNull())
        .addColumn("hidden", "integer", (c) => c.notNull())
        .execute();
      // At most one visible row per step: the key `addMetrics` conflicts on.
      // Hidden rows (an older run's, past a restored checkpoint) are outside
      // the index, so a new run can report the same steps again.
      await s
        .createIndex("metrics_visible_step")
        .on("metrics")
        .columns(["trial_id", "metric_group", "steps_completed"])
        .unique()
        .where(sql.ref("hidden"), "=", sql.lit(0))
        .execute();
      // Cursors: a trial's series in id order (training rows, the bulk, are
      // read through it too, skipping the few validations); a trial's and an
      // experiment's validations through partial indexes that training rows,
      // the hot insert path, never pay for.
      await s.createIndex("metrics_trial_id").on("metrics").columns(["trial_id", "id"]).execute();
      await s
        .createIndex("metrics_trial_validation")
        .on("metrics")
        .columns(["trial_id", "id"])
        .where(sql.ref("metric_group"), "=", sql.lit("validation"))
        .execute();
      await s
        .createIndex("metrics_experiment_validation")
        .on("metrics")
        .columns(["experiment_id", "id"])
        .where(sql.ref("metric_group"), "=", sql.lit("validation"))
        .execute();

      await withId(s.createTable("checkpoints"), dialect)
        .addColumn("uuid", "text", (c) => c.notNull().unique())
        .addColumn("trial_id", "bigint", (c) => c.notNull().references("trials.id"))
        .addColumn("experiment_id", "bigint", (c) => c.notNull().references("experiments.id"))
        .addColumn("run_id", "integer", (c) => c.notNull())
        .addColumn("steps_completed", "bigint", (c) => c.notNull())
        .addColumn("resources", "text", (c) => c.notNull())
        .addColumn("metadata", "text", (c) => c.notNull())
        .addColumn("size_bytes", "bigint", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
      await s
        .createIndex("checkpoints_trial")
        .on("checkpoints")
        .columns(["trial_id", "id"])
        .execute();
      await s
        .createIndex("checkpoints_experiment")
        .on("checkpoints")
        .columns(["experiment_id", "id"])
        .execute();

      await withId(s.createTable("trial_logs"), dialect)
        .addColumn("trial_id", "bigint", (c) => c.notNull().references("trials.id"))
        .addColumn("allocation_id", "text")
        .addColumn("time", "bigint", (c) => c.notNull())
        .addColumn("stream", "text", (c) => c.notNull())
        .addColumn("line", "text", (c) => c.notNull())
        .execute();
      await s
        .createIndex("trial_logs_trial_id")
        .on("trial_logs")
        .columns(["trial_id", "id"])
        .execute();
    },
  },
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
