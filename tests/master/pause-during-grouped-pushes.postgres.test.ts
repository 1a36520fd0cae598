/**
 * On PostgreSQL, training pushes of several trials that arrive together are
 * stored in one transaction (group commit), which locks each trial's row in
 * turn; a pause locks the experiment's trials in turn too. Whatever order the
 * pushes came in, both go through, neither refused as the loser of a deadlock.
 */
import { afterEach, expect, test } from "vitest";
import { randomConfig } from "./support/configs.js";
import { directTrainingPushes } from "./support/direct-pushes.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";
import { holdTransactionAfter } from "./support/hold-transaction.js";
import { running } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

test("a pause while training pushes of two trials are stored together succeeds, and so do the pushes", async () => {
  tm = await startTestMaster({ db: "postgres", slots: 2, preemptionTimeoutSeconds: 30 });
  const id = await createExperiment(tm, randomConfig(1000, 2));
  await tm.settle();
  const [first, second] = running(tm);
  if (!first || !second) throw new Error("two trials should run");
  const push = await directTrainingPushes(tm, [first, second]);
  // The experiment's config is read once, before the pushes that are grouped.
  await push(first, 1);
  // The transaction storing the group waits right after its first write.
  const { held, release } = holdTransactionAfter(tm.store, "transaction");
  // The later trial's push first: the group locks its row, then the earlier one's.
  const pushes = Promise.allSettled([push(second, 2), push(first, 2)]);
  await held;
  const pause = tm.admin.post(`/experiments/${id}/pause`);
  // Long enough for the pause's transaction to reach the row the group holds.
  await new Promise((r) => setTimeout(r, 300));
  release();
  const [stored, paused] = await Promise.all([pushes, pause]);
  expect(stored.map((s) => (s.status === "rejected" ? String(s.reason) : s.value))).toEqual([1, 1]);
  expect(paused.status).toBe(200);
  expect((await tm.store.getExperiment(id))?.state).toBe("PAUSED");
});
