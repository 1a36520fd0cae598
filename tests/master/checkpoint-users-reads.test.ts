/**
 * Which checkpoints experiments not yet ended use is asked at every delete
 * and at every experiment's end: it reads each such experiment's trials'
 * checkpoint columns, never their hyperparameters (thousands of trials, a
 * `const` of hundreds of KB each).
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { checkpointUsers } from "../../src/master/app/checkpoint-users.js";
import {
  type LoggedStore,
  loggedSqliteStore,
  newSearch,
} from "../storage/support/logged-sqlite-store.js";

let logged: LoggedStore;
beforeAll(async () => {
  logged = await loggedSqliteStore();
});
afterAll(() => logged.close());

test("the users of checkpoints are found without reading any trial's hyperparameters", async () => {
  const { store } = logged;
  const running = await newSearch(store, "running");
  for (let requestId = 1; requestId <= 20; requestId++) {
    const t = await store.createTrial({
      experimentId: running.id,
      requestId,
      hparams: { vocabulary: Array.from({ length: 1000 }, (_, i) => `word-${i}`) },
      trialSeed: requestId,
    });
    if (requestId === 7) await store.updateTrial(t.id, { latestCheckpointUuid: "used" });
  }

  const statements = await logged.statementsOf(async () => {
    const users = await checkpointUsers(store, new Set(["used", "unused"]));
    expect(users.map((u) => [u.experiment.id, u.uses])).toEqual([[running.id, ["used"]]]);
  });
  const ofTrials = statements.filter((s) => /from "trials"/.test(s.sql));
  expect(ofTrials.length).toBeGreaterThan(0);
  for (const { sql } of ofTrials) {
    expect(sql).not.toMatch(/"hparams"|select \*|"trials"\.\*/);
  }
});
