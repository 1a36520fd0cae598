/**
 * examples/sklearn-digits/rest_train.py, the trial written against the REST
 * API alone, paused in the middle of its operation: its preemption thread
 * stops it at its next report, it checkpoints where it stopped and hands the
 * checkpoint to `next_trial`, which stands for the acknowledgement; activated,
 * a new process resumes from that checkpoint and ends with the model of the
 * same trial run without a pause. Sent SIGTERM, it stops the same way, registers
 * its checkpoint, acknowledges and exits 0.
 */

import { execFileSync } from "node:child_process";
import { expect, test } from "vitest";
import {
  clustersClosedAfterEach,
  createExperiment,
  logsOf,
  metricsOf,
  trialDetails,
  waitForEnd,
} from "../e2e/support/cluster.js";
import { PYTHON } from "../python/interpreter.js";
import {
  midOperation,
  oneTrialOf,
  pauseMidOperation,
  validationAtStep,
} from "./support/pause-mid-operation.js";
import { exampleConfig, exampleDir } from "./support/python-example.js";

const EXAMPLE = "sklearn-digits";
const LENGTH = 1500;
const startCluster = clustersClosedAfterEach();

const oneTrial = oneTrialOf(exampleConfig(EXAMPLE), LENGTH, {
  name: "sklearn-digits-rest-resume",
  entrypoint: `${PYTHON} rest_train.py`,
  environment: { variables: { PYTHONUNBUFFERED: "1" } },
  hyperparameters: { lr: 0.003, alpha: 0.0001, width: 64 },
});

test("a REST-only trial paused mid-operation checkpoints where it stopped and, activated, ends with the validation loss of an uninterrupted run", async () => {
  const c = await startCluster({ slots: 2 });
  const { resumed, straight, pausedAt } = await pauseMidOperation(
    c,
    oneTrial,
    exampleDir(EXAMPLE),
    LENGTH,
  );
  expect((await logsOf(c, resumed.id)).join("\n")).toContain(`resumed at epoch ${pausedAt}`);
  // float64 throughout, the epochs' order from the seed, Adam's moments in the pickle:
  // the same model to the last bit.
  expect(await validationAtStep(c, resumed.id, LENGTH)).toEqual(
    await validationAtStep(c, straight.id, LENGTH),
  );
}, 180_000);

test("a REST-only trial sent SIGTERM mid-operation registers a checkpoint where it stopped and exits 0, and the trial resumes from it", async () => {
  const c = await startCluster({ slots: 1 });
  const id = await createExperiment(c, oneTrial, exampleDir(EXAMPLE));
  const running = await midOperation(c, id);
  // The launcher's process is `sh -c <entrypoint>`; the trial is its child.
  const shell = running.allocations.at(-1)!.pid;
  const python = Number(execFileSync("pgrep", ["-P", String(shell)], { encoding: "utf8" }).trim());
  process.kill(python, "SIGTERM");
  expect(await waitForEnd(c, id, 120)).toBe("COMPLETED");
  const [trial] = await trialDetails(c, id);
  const [first, second] = trial!.allocations;
  expect([trial!.allocations.length, first!.exitCode, first!.exitReason]).toEqual([
    2,
    0,
    "preempted (exit code 0)",
  ]);
  // It checkpointed at the last epoch it reported, inside the operation, and the next run went on from there.
  const firstRun = (await metricsOf(c, trial!.id, "training")).filter((m) => m.runId === 1);
  const stoppedAt = Math.max(...firstRun.map((m) => m.stepsCompleted));
  expect(stoppedAt).toBeGreaterThan(0);
  expect(stoppedAt).toBeLessThan(LENGTH);
  expect((await logsOf(c, trial!.id)).join("\n")).toContain(
    `trial ${trial!.id} run ${second!.runId}: resumed at epoch ${stoppedAt}`,
  );
  expect(await validationAtStep(c, trial!.id, LENGTH)).toBeDefined();
}, 180_000);
