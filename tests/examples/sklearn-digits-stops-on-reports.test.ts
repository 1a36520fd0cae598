/**
 * examples/sklearn-digits' trials, told to stop in the middle of a report's
 * epochs (scheduling_unit 4, the stop while epoch 6 trains), stop only once
 * they have reported (epoch 8), as the Trainer does: checkpointed there, a
 * trial resumed from that checkpoint reports the training losses, epoch for
 * epoch and to the last bit, of the same trial run straight through. Both the
 * SDK trial (`train.py`) and the REST-only one (`rest_train.py`), driven in one
 * process by tests/examples/support/sklearn_digits_stop.py.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, test } from "vitest";
import { PYTHON, PYTHON_DIR } from "../python/interpreter.js";
import { offCluster } from "./support/dry-run-output.js";
import { exampleDir } from "./support/python-example.js";

interface Run {
  training: [number, number][];
  checkpoints: number[];
}

async function stopMidReport(trial: "sdk" | "rest") {
  const { stdout } = await promisify(execFile)(
    PYTHON,
    [join(import.meta.dirname, "support", "sklearn_digits_stop.py"), trial],
    { env: offCluster({ PYTHONPATH: `${PYTHON_DIR}:${exampleDir("sklearn-digits")}` }) },
  );
  return JSON.parse(stdout) as { stopped: Run; resumed: Run; straight: Run };
}

for (const [trial, file] of [
  ["sdk", "train.py"],
  ["rest", "rest_train.py"],
] as const) {
  test(`${file} told to stop inside a report's epochs stops once it has reported, and resumed it reports the losses of an uninterrupted run`, async () => {
    const { stopped, resumed, straight } = await stopMidReport(trial);
    expect(stopped.checkpoints).toEqual([8]);
    expect(stopped.training.map(([epoch]) => epoch)).toEqual([4, 8]);
    expect([...stopped.training, ...resumed.training]).toEqual(straight.training);
  }, 60_000);
}
