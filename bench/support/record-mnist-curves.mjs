/**
 * Records the MNIST learning curves bench/search-efficiency.ts replays: the
 * TensorFlow.js trial of examples/mnist-tfjs (the same model, data split,
 * batch order and validation, imported from its modules) trained at every
 * point of a grid over the example's search space (examples/mnist-tfjs/
 * adaptive.yaml: lr, hidden, dropout) for 64 length units of 16 batches of
 * 64 images (1,024 batches, about 8 epochs of the 8,000 training images),
 * validated on the 2,000 validation images after every unit.
 *
 *   node bench/support/record-mnist-curves.mjs [replicates, default 4] [jobs, default 2]
 *
 * writes bench/data/mnist-curves.json: the grid's axes and, for each metric
 * (validation loss and validation error = 1 - accuracy), each grid point (lr
 * slowest, dropout fastest) and each replicate, the metric after units
 * 1..64, to four significant digits. Replicate r of grid point i is trained
 * with trial seed i + r * (grid points): another weight initialisation,
 * batch order and dropout masks, the noise a searcher meets when it tries one
 * point twice. Each replicate runs in its own process, `jobs` at a time (one
 * core each); the file is written again after each replicate, so an
 * interrupted run leaves those it finished.
 */
import { fork } from "node:child_process";
import { renameSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const EXAMPLE = new URL("../../examples/mnist-tfjs/", import.meta.url);
const OUT = new URL("../data/mnist-curves.json", import.meta.url);
const UNITS = 64;
const BATCHES_PER_UNIT = 16;
const BATCH_SIZE = 64;
// examples/mnist-tfjs/adaptive.yaml's space: lr as powers of ten, hidden an int, dropout a double.
const LR_EXPONENTS = [-3.5, -3, -2.5, -2, -1.5];
const HIDDEN = [32, 88, 144, 200, 256];
const DROPOUT = [0, 0.125, 0.25, 0.375, 0.5];
const POINTS = LR_EXPONENTS.flatMap((lr) =>
  HIDDEN.flatMap((hidden) => DROPOUT.map((dropout) => ({ lr, hidden, dropout }))),
);

const significant = (x) => (Number.isFinite(x) ? Number(x.toPrecision(4)) : null);

/** One replicate of every grid point, in this process: [loss curves, error curves] by point. */
async function recordReplicate(replicate) {
  const tf = await import("@tensorflow/tfjs");
  await import("@tensorflow/tfjs-backend-wasm");
  if (!(await tf.setBackend("wasm"))) throw new Error("the wasm backend did not start");
  const { BatchSampler, loadMnist } = await import(new URL("data.js", EXAMPLE).href);
  const { buildModel, evaluateModel, splitTensors, trainArrays } = await import(
    new URL("model.js", EXAMPLE).href
  );
  const { train, validation: split } = await loadMnist();
  const validation = splitTensors(split);
  const loss = [];
  const error = [];
  const start = performance.now();
  for (const [index, point] of POINTS.entries()) {
    const seed = index + replicate * POINTS.length;
    const model = buildModel({ ...point, lr: 10 ** point.lr, seed });
    const sampler = new BatchSampler(train, BATCH_SIZE, seed);
    const curve = { loss: [], error: [] };
    let batch = 0;
    for (let unit = 0; unit < UNITS; unit++) {
      let diverged = false;
      for (let i = 0; i < BATCHES_PER_UNIT && !diverged; i++, batch++) {
        diverged = !Number.isFinite((await trainArrays(model, sampler.batch(batch))).loss);
      }
      if (diverged) break; // the rest of the curve stays null
      const metrics = await evaluateModel(model, validation);
      curve.loss.push(significant(metrics.validation_loss));
      curve.error.push(significant(1 - metrics.validation_accuracy));
    }
    while (curve.loss.length < UNITS) {
      curve.loss.push(null);
      curve.error.push(null);
    }
    model.optimizer.dispose();
    model.dispose();
    loss.push(curve.loss);
    error.push(curve.error);
    const seconds = ((performance.now() - start) / 1000).toFixed(0);
    console.error(`replicate ${replicate}: ${index + 1}/${POINTS.length} ${seconds} s`);
  }
  return { loss, error };
}

function write(done) {
  const replicates = [...done.keys()].sort((a, b) => a - b).map((r) => done.get(r));
  const byPoint = (metric) => POINTS.map((_, i) => replicates.map((r) => r[metric][i]));
  const data = {
    source:
      "examples/mnist-tfjs (tf.layers MLP, Adam, batches of 64; one unit = 16 batches), " +
      `trained at every grid point with ${replicates.length} trial seeds, validated after every unit`,
    command: "node bench/support/record-mnist-curves.mjs",
    epochs: UNITS,
    replicates: replicates.length,
    axes: {
      lr: { type: "log", base: 10, points: LR_EXPONENTS },
      hidden: { type: "int", points: HIDDEN },
      dropout: { type: "double", points: DROPOUT },
    },
    fixed: { global_batch_size: BATCH_SIZE },
    metrics: { validation_loss: byPoint("loss"), validation_error: byPoint("error") },
  };
  const tmp = new URL("mnist-curves.json.tmp", OUT);
  writeFileSync(tmp, `${JSON.stringify(data)}\n`);
  renameSync(tmp, OUT);
  console.error(`wrote ${fileURLToPath(OUT)} (${replicates.length} replicates of ${UNITS} units)`);
}

async function main() {
  const replicates = Number(process.argv[2] ?? 4);
  const jobs = Number(process.argv[3] ?? 2);
  const done = new Map();
  let next = 0;
  const worker = async () => {
    while (next < replicates) {
      const replicate = next++;
      const child = fork(fileURLToPath(import.meta.url), ["--replicate", String(replicate)], {
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      const result = await new Promise((resolve, reject) => {
        child.once("message", resolve);
        child.once("exit", (code) => reject(new Error(`replicate ${replicate} exited (${code})`)));
      });
      done.set(replicate, result);
      write(done);
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
}

if (process.argv[2] === "--replicate") {
  const result = await recordReplicate(Number(process.argv[3]));
  process.send(result, () => process.exit(0));
} else {
  await main();
}
