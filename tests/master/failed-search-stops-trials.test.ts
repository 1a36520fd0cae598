/**
 * A search that fails (here a custom search method that shuts down with
 * failure) has no use for its trials: their processes are stopped at once,
 * as a kill stops them, and the experiment ends ERROR without waiting for
 * their operations to finish.
 */
import { afterEach, expect, test } from "vitest";
import { customSearchWithTrials } from "./support/custom-search.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { running } from "./support/trial.js";

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
