/**
 * On PostgreSQL, training pushes of several trials that arrive together are
 * stored in one transaction (group commit), which locks the trials' rows by
 * id. A searcher's operations change its trials' rows in the order it posted
 * them, which may be another: the two wait for each other and PostgreSQL
 * aborts one. The pushes are stored all the same, and so are the operations.
 */
import { afterEach, expect, test } from "vitest";
import { customSearchWithTrials } from "./support/custom-search.js";
import { directTrainingPushes } from "./support/direct-pushes.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { holdTransactionAfter } from "./support/hold-transaction.js";
import { running } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

test("trials closed by a custom searcher in descending order while their training pushes are stored together: both go through", async () => {
  tm = await startTestMaster({ db: "postgres", slots: 2 });
  const { id, post } = await customSearchWithTrials(tm, 2, 100);
  const [first, second] = running(tm);
  if (!first || !second) throw new Error("two trials should run");
  const push = await directTrainingPushes(tm, [first, second]);
  // The experiment's config is read once, before the pushes that are grouped.
  await push(first, 1);
  // The transaction storing the group waits right after its first write.
  const { held, release } = holdTransactionAfter(tm.store, "transaction");
  const pushes = Promise.allSettled([push(first, 2), push(second, 2)]);
  await held;
  const closed = post([
    { type: "close", requestId: 2 },
    { type: "close", requestId: 1 },
  ]);
  // Long enough for the operations' transaction to reach the row the group holds.
  await new Promise((r) => setTimeout(r, 300));
  release();
  const [stored, answer] = await Promise.all([pushes, closed]);
  expect(stored.map((s) => (s.status === "rejected" ? String(s.reason) : s.value))).toEqual([1, 1]);
  expect(answer.status).toBe(200);
  const trials = await tm.store.listTrials({ experimentId: id });
  expect(trials.map((t) => t.closeRequested)).toEqual([true, true]);
});
