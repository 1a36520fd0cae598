/**
 * What a page of a big history reads, by SQLite's query plans: a page of a
 * few trials' rows goes by an index that holds just them, not through every
 * row of their experiment (30,000 trials, 50,000 checkpoints and millions of
 * metric rows make the difference between milliseconds and a second).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CompiledQuery, Kysely } from "kysely";
import { afterAll, beforeAll, expect, test } from "vitest";
import { KyselyStore } from "../../src/master/storage/kysely-store.js";
import { migrate } from "../../src/master/storage/migrations.js";
import type { Database } from "../../src/master/storage/schema.js";
import {
  KeepingErrorsSqliteDialect,
  openSqlite,
} from "../../src/master/storage/sqlite-database.js";
import type { Store } from "../../src/master/storage/store.js";
import { parseExperimentConfig } from "../../src/protocol/config/index.js";

const dir = mkdtempSync(join(tmpdir(), "pushtune-query-plans-"));
let db: Kysely<Database>;
let store: Store;
let seen: CompiledQuery[] = [];
let experimentId: number;
let trialId: number;

beforeAll(async () => {
  db = new Kysely<Database>({
    dialect: new KeepingErrorsSqliteDialect(openSqlite(join(dir, "plans.db"))),
    log: (event) => {
      if (event.level === "query") seen.push(event.query);
    },
  });
  await migrate(db, "sqlite");
  store = new KyselyStore(db, "sqlite");
  const user = await store.createUser({ username: "ada", passwordHash: null, admin: true });
  const parsed = parseExperimentConfig({
    entrypoint: "true",
    searcher: { name: "random", metric: "loss", max_length: 10, max_trials: 3 },
  });
  if (!parsed.ok) throw new Error("config");
  const exp = await store.createExperiment({
    name: "plans",
    config: parsed.config,
    configYaml: null,
    workdir: "/tmp",
    ownerId: user.id,
  });
  experimentId = exp.id;
  for (let requestId = 1; requestId <= 3; requestId++) {
    const t = await store.createTrial({ experimentId, requestId, hparams: {}, trialSeed: 1 });
    trialId = t.id;
  }
});
afterAll(async () => {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

/** SQLite's plan of each SELECT `fn` runs, one line per step. */
async function plansOf(fn: () => Promise<unknown>): Promise<string[]> {
  seen = [];
  await fn();
  const selects = seen.filter((q) => /^\s*select/i.test(q.sql));
  const plans: string[] = [];
  for (const q of selects) {
    const { rows } = await db.executeQuery<{ detail: string }>({
      ...q,
      sql: `explain query plan ${q.sql}`,
    });
    plans.push(rows.map((r) => r.detail).join("; "));
  }
  seen = [];
  expect(plans.length).toBeGreaterThan(0);
  return plans;
}

test("the validations of a page's trials are read by the trials' index, not the experiment's", async () => {
  const plans = await plansOf(() =>
    store.listExperimentValidationValues({
      experimentId,
      metric: "loss",
      trialIds: [trialId],
      limit: 50_000,
    }),
  );
  for (const plan of plans)
    expect(plan).toMatch(/USING INDEX metrics_trial_validation \(trial_id=\?/);
});

test("an experiment's validations are still read by its own index, in id order", async () => {
  const plans = await plansOf(() =>
    store.listExperimentValidationValues({ experimentId, metric: "loss", limit: 50_000 }),
  );
  for (const plan of plans) {
    expect(plan).toMatch(/USING INDEX metrics_experiment_validation \(experiment_id=\?/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
  }
});

test("a trial's checkpoints are read by the trial's index, not its experiment's", async () => {
  const filter = { experimentId, trialId, limit: 1000 };
  const plans = await plansOf(async () => {
    await store.listCheckpointSizes(filter);
    await store.listCheckpoints(filter);
  });
  for (const plan of plans) expect(plan).toMatch(/USING INDEX checkpoints_trial \(trial_id=\?/);
});

test("a page of an experiment's trials reads that page, in id order, sizes first", async () => {
  const plans = await plansOf(async () => {
    await store.listTrialSizes({ experimentId, after: trialId - 2, limit: 1000 });
    await store.listTrials({ experimentId, after: trialId - 2, through: trialId });
    await store.listTrialStubs({ experimentId });
  });
  for (const plan of plans) {
    expect(plan).toMatch(/USING (COVERING )?INDEX trials_experiment_id \(experiment_id=\?/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
  }
});
