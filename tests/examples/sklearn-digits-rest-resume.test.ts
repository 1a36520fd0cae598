/**
 * examples/sklearn-digits/rest_train.py, the trial written against the REST
 * API alone, paused in the middle of its operation: its preemption thread
 * stops it at the next epoch, it checkpoints where it stopped and hands the
 * checkpoint to `next_trial`, which stands for the acknowledgement; activated,
 * a new process resumes from that checkpoint and ends with the model of the
 * same trial run without a pause.
 */
import { expect, test } from "vitest";
import { clustersClosedAfterEach, logsOf } from "../e2e/support/cluster.js";
import { PYTHON } from "../python/interpreter.js";
import { oneTrialOf, pauseMidOperation, validationAtStep } from "./support/pause-mid-operation.js";
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
