/**
 * On PostgreSQL, a validation push takes no experiment lock: it runs beside a
 * pause or an activate, which writes the experiment's row and then its
 * trials'. Both must go through, neither refused as the loser of a deadlock.
 */
import { afterEach, expect, test } from "vitest";
import { ashaConfig } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";
import { holdTransactionAfter } from "./support/hold-transaction.js";
import { running, trial } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

test.each(["pause", "activate"] as const)(
  "a %s while a trial's validation push is being stored succeeds, and so does the push",
  async (action) => {
    tm = await startTestMaster({ db: "postgres", slots: 1, preemptionTimeoutSeconds: 30 });
    const id = await createExperiment(tm, ashaConfig());
    await tm.settle();
    const t = trial(tm, running(tm)[0]!.trialId);
    // Paused, its trial still runs: it has not exited yet, and pushes what it has.
    if (action === "activate")
      expect((await tm.admin.post(`/experiments/${id}/pause`)).status).toBe(200);
    // The validation push's transaction waits right after it has set the latest validation.
    const { held, release } = holdTransactionAfter(tm.store, "updateTrial", (_id, change) => {
      const keys = Object.keys(change);
      return keys.length === 1 && keys[0] === "latestValidation";
    });
    const push = t.metrics("validation", 50, { validation_loss: 0.4 });
    await held;
    const stop = tm.admin.post(`/experiments/${id}/${action}`);
    // Long enough for the stop's transaction to reach the rows the push holds.
    await new Promise((r) => setTimeout(r, 300));
    release();
    const [pushed, stopped] = await Promise.all([push, stop]);
    expect(pushed.status).toBe(200);
    expect(stopped.status).toBe(200);
    expect((await tm.store.getExperiment(id))?.bestMetric).toBe(0.4);
    expect((await tm.store.getTrial(t.id))?.bestValidation).toBe(0.4);
  },
);
