/**
 * A launch that could not reach the cluster (Slurm's controller restarting)
 * is not the trial's failure: the run ends lost, with the launcher's message
 * in the trial's logs, no restart is counted, and the trial starts again a
 * second later (tests/master/lost-run-backoff.test.ts: the waits that follow).
 */
import { afterEach, expect, test, vi } from "vitest";
import { ClusterUnreachableError } from "../../src/master/launcher/launcher.js";
import { singleConfig } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster;
afterEach(async () => {
  vi.useRealTimers();
  await tm?.close();
});

test("a launch that could not reach the cluster is a lost run, started again without a restart", async () => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  tm = await startTestMaster({ slots: 1 });
  const launch = tm.launcher.launch.bind(tm.launcher);
  let refused = 0;
  tm.launcher.launch = async (spec) => {
    if (refused++ > 0) return launch(spec);
    throw new ClusterUnreachableError(
      "sbatch: Unable to contact slurm controller (connect failure)",
    );
  };
  const id = await createExperiment(tm, singleConfig("unreachable"));
  await tm.settle();
  expect(tm.launcher.launched).toHaveLength(0);
  await vi.advanceTimersByTimeAsync(1_000);
  await tm.settle();
  const [trial] = await tm.store.listTrials({ experimentId: id });
  expect(trial?.restarts).toBe(0);
  expect(trial?.runId).toBe(2);
  expect(tm.launcher.launched).toHaveLength(1);
  const logs = await tm.store.listLogs({ trialId: trial!.id, limit: 10 });
  const first = logs[0]!;
  expect(first.line).toBe(
    "could not start: sbatch: Unable to contact slurm controller (connect failure)",
  );
  expect((await tm.store.getAllocation(first.allocationId!))?.exitReason).toBe(
    "lost (its launch could not reach the cluster; the trial's logs say why)",
  );
});
