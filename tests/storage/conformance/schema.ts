import { sql } from "kysely";
import { expect, test } from "vitest";
import { SCHEMA_VERSION, SchemaTooNewError } from "../../../src/master/storage/migrations.js";
import { connect, openStore } from "../../../src/master/storage/open-store.js";
import type { ExperimentConfig } from "../../../src/protocol/config/types.js";
import {
  type ConformanceContext,
  newExperiment,
  newUser,
  rejection,
  sampleConfig,
} from "./context.js";

const SCHEDULING_INDEXES = ["trial_ops_open", "trials_experiment_state"];

/** The names of those of `names` the database has as indexes. */
async function indexesNamed(url: string, names: readonly string[]): Promise<string[]> {
  const { db, dialect } = connect(url);
  try {
    const { rows } =
      dialect === "sqlite"
        ? await sql<{ name: string }>`select name from sqlite_master where type = 'index'`.execute(
            db,
          )
        : await sql<{ name: string }>`select indexname as name from pg_indexes`.execute(db);
    return rows
      .map((r) => r.name)
      .filter((n) => names.includes(n))
      .sort();
  } finally {
    await db.destroy();
  }
}

/** Takes version 7 back: the searcher snapshot in the experiments row, as it was before. */
async function beforeVersion7(db: ReturnType<typeof connect>["db"]): Promise<void> {
  await db.schema.dropTable("searcher_snapshots").execute();
  await db.schema.alterTable("experiments").addColumn("searcher_snapshot", "text").execute();
  await db.schema
    .alterTable("experiments")
    .addColumn("searcher_snapshot_seq", "bigint", (c) => c.notNull().defaultTo(0))
    .execute();
}

/** Takes version 8 back: no index of a custom searcher's answers. */
async function beforeVersion8(db: ReturnType<typeof connect>["db"]): Promise<void> {
  await db.schema.dropIndex("searcher_events_answers").execute();
  await db.schema.alterTable("searcher_events").dropColumn("answers").execute();
}

/** Takes version 14 back: users cannot be deactivated. */
async function beforeVersion14(db: ReturnType<typeof connect>["db"]): Promise<void> {
  await db.schema.alterTable("users").dropColumn("deactivated_at").execute();
}

/** Takes version 13 back: no index of an experiment's trials in id order. */
async function beforeVersion13(db: ReturnType<typeof connect>["db"]): Promise<void> {
  await db.schema.dropIndex("trials_experiment_id").execute();
}

/** Takes versions 12 and 11 back: what a restarted master needs to find a process that outlived its allocation. */
async function beforeVersion11(db: ReturnType<typeof connect>["db"]): Promise<void> {
  await db.schema.dropTable("outlived_processes").execute();
  await db.schema.dropIndex("allocations_lingering").execute();
  await db.schema.alterTable("allocations").dropColumn("lingering").execute();
}

/** Takes version 10 back: configs in the experiments row, the searcher only in them. */
async function beforeVersion10(db: ReturnType<typeof connect>["db"]): Promise<void> {
  await db.schema
    .alterTable("experiments")
    .addColumn("config", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  await db.schema.alterTable("experiments").addColumn("config_yaml", "text").execute();
  await sql`update experiments set
    config = (select config from experiment_configs where experiment_id = experiments.id),
    config_yaml = (select config_yaml from experiment_configs where experiment_id = experiments.id)`.execute(
    db,
  );
  await db.schema.dropTable("experiment_configs").execute();
  for (const column of ["searcher_name", "searcher_metric", "smaller_is_better", "resource_pool"])
    await db.schema.alterTable("experiments").dropColumn(column).execute();
}

async function setSchemaVersion(url: string, version: number): Promise<void> {
  const { db } = connect(url);
  try {
    await sql`update schema_version set version = ${version} where id = 1`.execute(db);
  } finally {
    await db.destroy();
  }
}

export function schemaTests(ctx: ConformanceContext): void {
  test("reopening a database keeps its data and migrates nothing twice", async () => {
    const { store, fixture } = ctx;
    const user = await newUser(store);
    const again = await openStore(fixture.url);
    try {
      expect(await again.getUser(user.id)).toEqual(user);
      const third = await openStore(fixture.url);
      await third.close();
    } finally {
      await again.close();
    }
  });

  test("a database of schema version 1 is brought up to date, its data kept", async () => {
    const { store, fixture } = ctx;
    const user = await newUser(store);
    expect(await indexesNamed(fixture.url, SCHEDULING_INDEXES)).toEqual(SCHEDULING_INDEXES);
    const { db } = connect(fixture.url);
    try {
      for (const name of SCHEDULING_INDEXES) await db.schema.dropIndex(name).execute();
      // What version 3 added: token expiry and revocation.
      for (const column of ["expires_at", "revoked_at"])
        await db.schema.alterTable("user_tokens").dropColumn(column).execute();
      // Version 4's column.
      await db.schema.alterTable("allocations").dropColumn("preempt_requested_at").execute();
      // Version 5's: where a warm-started trial came from.
      for (const column of ["parent_trial_id", "warm_start_checkpoint_uuid"])
        await db.schema.alterTable("trials").dropColumn(column).execute();
      // Version 6's column.
      await db.schema.alterTable("allocations").dropColumn("resource_pool").execute();
      await beforeVersion7(db);
      await beforeVersion8(db);
      await beforeVersion14(db);
      await beforeVersion13(db);
      await beforeVersion11(db);
      await beforeVersion10(db);
    } finally {
      await db.destroy();
    }
    await setSchemaVersion(fixture.url, 1);
    const upgraded = await openStore(fixture.url);
    try {
      expect(await upgraded.getUser(user.id)).toEqual(user);
      expect(await indexesNamed(fixture.url, SCHEDULING_INDEXES)).toEqual(SCHEDULING_INDEXES);
      const { db: after } = connect(fixture.url);
      try {
        await sql`select preempt_requested_at, resource_pool from allocations`.execute(after);
        await sql`select parent_trial_id, warm_start_checkpoint_uuid from trials`.execute(after);
      } finally {
        await after.destroy();
      }
    } finally {
      await upgraded.close();
    }
  });

  test("a database of schema version 6, its searcher snapshot in the experiments row, is brought up to date", async () => {
    const { store, fixture } = ctx;
    const experiment = await newExperiment(store);
    const other = await newExperiment(store);
    const snapshot = JSON.stringify({ version: 1, rng: [5, 6, 7, 8] });
    const { db } = connect(fixture.url);
    try {
      await beforeVersion14(db);
      await beforeVersion13(db);
      await beforeVersion11(db);
      await beforeVersion10(db);
      await beforeVersion8(db);
      await beforeVersion7(db);
      await sql`update experiments set searcher_snapshot = ${snapshot}, searcher_snapshot_seq = 17
        where id = ${experiment.id}`.execute(db);
    } finally {
      await db.destroy();
    }
    await setSchemaVersion(fixture.url, 6);
    const upgraded = await openStore(fixture.url);
    try {
      // Moved to a table of its own (version 7), then dropped with every snapshot taken
      // before searcher rules were numbered (version 9): the log rebuilds the searcher.
      expect(await upgraded.getSearcherSnapshot(experiment.id)).toBeNull();
      expect(await upgraded.getSearcherSnapshot(other.id)).toBeNull();
      expect(await upgraded.getExperiment(experiment.id)).toEqual(experiment);
    } finally {
      await upgraded.close();
    }
  });

  test("a database of schema version 7 finds the answers a custom searcher posted before", async () => {
    const { store, fixture } = ctx;
    const experiment = await newExperiment(store);
    const close = { type: "close" as const, requestId: 1 };
    await store.appendSearcherEvent(experiment.id, { type: "initialize" });
    await store.appendSearcherEvent(experiment.id, { type: "trialCreated", requestId: 1 });
    await store.appendSearcherEvent(experiment.id, {
      type: "operationsPosted",
      triggeredBy: 2,
      operations: [close],
    });
    const { db } = connect(fixture.url);
    try {
      await beforeVersion14(db);
      await beforeVersion13(db);
      await beforeVersion11(db);
      await beforeVersion10(db);
      await beforeVersion8(db);
    } finally {
      await db.destroy();
    }
    await setSchemaVersion(fixture.url, 7);
    const upgraded = await openStore(fixture.url);
    try {
      expect(await upgraded.listSearcherAnswers(experiment.id, 1, 3)).toEqual([
        { answers: 2, operations: [close] },
      ]);
      expect((await upgraded.listSearcherEvents(experiment.id)).map((e) => e.seq)).toEqual([
        1, 2, 3,
      ]);
    } finally {
      await upgraded.close();
    }
  });

  test("a database of schema version 8 keeps the searcher rules its searches started under", async () => {
    const { store, fixture } = ctx;
    const experiment = await newExperiment(store);
    await store.appendSearcherEvent(experiment.id, { type: "initialize" });
    await store.appendSearcherEvent(experiment.id, { type: "trialCreated", requestId: 1 });
    await store.putSearcherSnapshot(experiment.id, 2, JSON.stringify({ version: 1 }));
    const { db } = connect(fixture.url);
    try {
      await beforeVersion14(db);
      await beforeVersion13(db);
      await beforeVersion11(db);
      await beforeVersion10(db);
    } finally {
      await db.destroy();
    }
    await setSchemaVersion(fixture.url, 8);
    const upgraded = await openStore(fixture.url);
    try {
      expect((await upgraded.listSearcherEvents(experiment.id)).map((e) => e.event)).toEqual([
        { type: "initialize", rules: null },
        { type: "trialCreated", requestId: 1 },
      ]);
      // Taken by a master that did not record the rules: the log is replayed instead.
      expect(await upgraded.getSearcherSnapshot(experiment.id)).toBeNull();
    } finally {
      await upgraded.close();
    }
  });

  test("a database of schema version 9 keeps its experiments' configs apart and copies out their searcher, metric, direction and pool", async () => {
    const { store, fixture } = ctx;
    const owner = await newUser(store);
    const config = sampleConfig();
    const created = [];
    // More than the migration reads at a time, with both directions and two searchers.
    for (let i = 0; i < 120; i++) {
      const searcher =
        i % 2 === 0
          ? { ...config.searcher, metric: `loss_${i}`, smaller_is_better: true }
          : { ...config.searcher, name: "grid", metric: `accuracy_${i}`, smaller_is_better: false };
      created.push(
        await store.createExperiment({
          name: `e${i}`,
          config: {
            ...config,
            searcher,
            resources: i % 4 === 0 ? { ...config.resources, resource_pool: `pool ${i}` } : {},
          } as ExperimentConfig,
          configYaml: i % 3 === 0 ? `name: e${i}\n` : null,
          workdir: "/tmp/work",
          ownerId: owner.id,
        }),
      );
    }
    const { db } = connect(fixture.url);
    try {
      await beforeVersion14(db);
      await beforeVersion13(db);
      await beforeVersion11(db);
      await beforeVersion10(db);
    } finally {
      await db.destroy();
    }
    await setSchemaVersion(fixture.url, 9);
    const upgraded = await openStore(fixture.url);
    try {
      const ids = new Set(created.map((e) => e.id));
      const summaries = (await upgraded.listExperimentSummaries({})).filter((e) => ids.has(e.id));
      expect(
        summaries.map((e) => [e.searcherName, e.metric, e.smallerIsBetter, e.resourcePool]),
      ).toEqual(
        created.map((e) => [
          e.config.searcher.name,
          e.config.searcher.metric,
          e.config.searcher.smaller_is_better,
          e.config.resources.resource_pool ?? null,
        ]),
      );
      expect(summaries.filter((e) => e.resourcePool !== null)).toHaveLength(30);
      for (const e of created) expect(await upgraded.getExperiment(e.id)).toEqual(e);
    } finally {
      await upgraded.close();
    }
  });

  test("a database of schema version 12 gains the index of an experiment's trials in id order", async () => {
    const { store, fixture } = ctx;
    const experiment = await newExperiment(store);
    const trial = await store.createTrial({
      experimentId: experiment.id,
      requestId: 1,
      hparams: { lr: 0.1 },
      trialSeed: 1,
    });
    const { db } = connect(fixture.url);
    try {
      await beforeVersion14(db);
      await beforeVersion13(db);
    } finally {
      await db.destroy();
    }
    await setSchemaVersion(fixture.url, 12);
    expect(await indexesNamed(fixture.url, ["trials_experiment_id"])).toEqual([]);
    const upgraded = await openStore(fixture.url);
    try {
      expect(await upgraded.listTrials({ experimentId: experiment.id })).toEqual([trial]);
      expect(await indexesNamed(fixture.url, ["trials_experiment_id"])).toEqual([
        "trials_experiment_id",
      ]);
    } finally {
      await upgraded.close();
    }
  });

  test("a database with a newer schema version is refused with a clear error", async () => {
    const { fixture } = ctx;
    const newer = SCHEMA_VERSION + 2;
    await setSchemaVersion(fixture.url, newer);
    try {
      const error = await rejection(() => openStore(fixture.url));
      expect(error).toBeInstanceOf(SchemaTooNewError);
      expect((error as Error).message).toBe(
        `database schema version ${newer} is newer than this pushtune (${SCHEMA_VERSION}); upgrade pushtune`,
      );
    } finally {
      await setSchemaVersion(fixture.url, SCHEMA_VERSION);
    }
    const reopened = await openStore(fixture.url);
    await reopened.close();
  });
}
