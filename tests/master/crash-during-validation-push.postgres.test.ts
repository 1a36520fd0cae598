/**
 * On PostgreSQL, a trial's last validation push may still be stored while
 * its process's crash is read: the push (which takes no experiment lock)
 * and the reading of the exit (which ends the trial and, through the
 * searcher, the experiment) both go through, and the validation is kept.
 */
import { afterEach, expect, test, vi } from "vitest";
import { singleConfig } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";
import { holdTransactionAfter } from "./support/hold-transaction.js";
import { running, trial } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => {
  vi.restoreAllMocks();
  await tm?.close();
});

test("a validation pushed while the trial's crash is read is kept, and the experiment ends", async () => {
  const errors: unknown[] = [];
  vi.spyOn(console, "error").mockImplementation((...args) => errors.push(args));
  tm = await startTestMaster({ db: "postgres", slots: 1 });
  const id = await createExperiment(tm, { ...singleConfig("crash"), max_restarts: 0 });
  await tm.settle();
  const t = trial(tm, running(tm)[0]!.trialId);
  // The transaction counting the trial's restart waits right after it has.
  const { held, release } = holdTransactionAfter(
    tm.store,
    "updateTrial",
    (_id, change) => "restarts" in change,
  );
  tm.launcher.exit(t.spec.allocationId, { exitCode: 1 });
  await held;
  const push = t.metrics("validation", 5, { validation_loss: 0.3 });
  // Long enough for the push's transaction to reach the rows the exit's holds.
  await new Promise((r) => setTimeout(r, 300));
  release();
  expect((await push).status).toBe(200);
  await tm.settle();
  expect((await tm.store.getTrial(t.id))?.state).toBe("ERROR");
  const exp = await tm.store.getExperiment(id);
  expect(exp?.state).toBe("ERROR");
  expect(exp?.bestMetric).toBe(0.3);
  expect(errors).toEqual([]);
});
