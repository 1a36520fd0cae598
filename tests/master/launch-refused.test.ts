/**
 * A launch the cluster refused (`sbatch` with a bad partition, over a limit)
 * ran nothing: its run ends a failure of the trial, counted against
 * max_restarts, and its reason says it could not start and why, rather than
 * an exit code no process returned.
 */
import { afterEach, expect, test } from "vitest";
import { singleConfig } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

test("a refused launch ends its run as not started, with the launcher's first line as its reason", async () => {
  tm = await startTestMaster({ slots: 1 });
  const launch = tm.launcher.launch.bind(tm.launcher);
  let refused = 0;
  tm.launcher.launch = async (spec) => {
    if (refused++ > 0) return launch(spec);
    throw new Error(
      "sbatch failed (1): sbatch: error: invalid partition specified: gpux\nsbatch: error: Batch job submission failed: Invalid partition name specified",
    );
  };
  const id = await createExperiment(tm, singleConfig("refused"));
  await tm.settle();
  await tm.settle();
  const [trial] = await tm.store.listTrials({ experimentId: id });
  expect(trial?.restarts).toBe(1);
  const [first] = await tm.store.listAllocations(trial!.id);
  expect(first).toMatchObject({
    exitCode: null,
    exitReason:
      "crashed (could not start: sbatch failed (1): sbatch: error: invalid partition specified: gpux)",
  });
  expect(tm.launcher.launched).toHaveLength(1);
});
