/**
 * A search that fails (here a custom search method that shuts down with
 * failure) has no use for its trials: their processes are stopped at once,
 * as a kill stops them, and the experiment ends ERROR without waiting for
 * their operations to finish. Its open trials end CANCELED, whether they were
 * running or waiting for an operation: they did not complete.
 */
import { afterEach, expect, test } from "vitest";
import { customSearchWithTrials } from "./support/custom-search.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { running, trial } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => tm.close());

test("a search shut down as failed kills its running trials and ends ERROR", async () => {
  tm = await startTestMaster({ slots: 4 });
  const { id, post } = await customSearchWithTrials(tm, 2, 1000);
  const live = running(tm);
  expect((await post([{ type: "shutdown", failure: true }])).status).toBe(200);
  await tm.settle();
  expect([...tm.launcher.killed].sort()).toEqual(live.map((s) => s.allocationId).sort());
  expect(running(tm)).toEqual([]);
  const exp = await tm.store.getExperiment(id);
  expect(exp?.state).toBe("ERROR");
  expect(exp?.endReason).toBe("the search method shut the search down as failed");
});

test("a search shut down as failed ends every open trial CANCELED, one waiting for its next operation too", async () => {
  tm = await startTestMaster({ slots: 4 });
  const { id, post } = await customSearchWithTrials(tm, 2, 100);
  const [waiting, busy] = running(tm).map((s) => trial(tm, s.trialId));
  // It finishes its operation and gives its slot back: open, with no process.
  expect((await waiting!.complete(100, 0.5)).status).toBe(200);
  await waiting!.exit(0);
  expect(running(tm, waiting!.id)).toEqual([]);
  expect((await tm.store.getTrial(waiting!.id))?.state).toBe("ACTIVE");
  expect((await post([{ type: "shutdown", failure: true }])).status).toBe(200);
  await tm.settle();
  expect((await tm.store.getExperiment(id))?.state).toBe("ERROR");
  for (const t of [waiting!, busy!])
    expect((await tm.store.getTrial(t.id))?.state).toBe("CANCELED");
});
