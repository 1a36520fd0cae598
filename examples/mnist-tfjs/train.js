/**
 * A TensorFlow.js multilayer perceptron on MNIST digits, tuned by pushtune
 * (the model is in `model.js`, its checkpoints in `checkpoint.js`, the data in
 * `data.js`).
 *
 * The Trainer calls `trainBatch` for every mini-batch, `evaluate` on the
 * validation split, and `save`/`load` for checkpoints; the master decides how
 * long each trial trains and which ones go on.
 *
 * With a master: the master starts this file with PUSHTUNE_* set, and the
 * process runs trial after trial (`trials()`), so TensorFlow.js and the
 * digits are loaded once, not for every trial. Without one, `node train.js [--batches N] [--lr X] [--hidden N] [--dropout X] …`
 * trains one trial here (a dry run) and prints what it would report.
 */
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { InvalidHPError, Trainer, trials } from "pushtune";
import { loadModel, saveModel } from "./checkpoint.js";
import { BatchSampler, loadMnist } from "./data.js";
import { buildModel, evaluateModel, splitTensors, trainArrays } from "./model.js";

class MnistTrainer extends Trainer {
  async setup(ctx) {
    // WebAssembly (XNNPACK with SIMD) runs single-threaded in Node.js: one core per trial.
    if (!(await tf.setBackend("wasm")))
      throw new Error("mnist-tfjs: the wasm backend did not start");
    const { global_batch_size: batchSize, lr, hidden, dropout } = readHParams(ctx.hparams);
    const { train, validation } = await mnist();
    this.sampler = new BatchSampler(train, batchSize, ctx.trialSeed);
    this.validation = validation;
    // A trial that resumes gets its model from its checkpoint (`load`): none is built for it.
    if (ctx.latestCheckpoint === null)
      this.model = buildModel({ lr, hidden, dropout, seed: ctx.trialSeed });
  }

  /** Frees what this trial's tensors hold, so that the process can run the next one (after every fit). */
  teardown() {
    this.model?.optimizer.dispose(); // passed to compile(), so the model does not own it
    this.model?.dispose();
  }

  async trainBatch(batchIndex) {
    const metrics = await trainArrays(this.model, this.sampler.batch(batchIndex));
    if (!Number.isFinite(metrics.loss)) {
      throw new InvalidHPError(
        `the training loss diverged (${metrics.loss}) at batch ${batchIndex}`,
      );
    }
    return metrics;
  }

  async evaluate() {
    this.lastValidation = await evaluateModel(this.model, this.validation);
    return this.lastValidation;
  }

  async save(dir) {
    await saveModel(this.model, dir);
  }

  async load(dir) {
    this.model = await loadModel(dir);
  }
}

/**
 * The digits, loaded once per process (the split is the same for every
 * trial), with the validation split as the tensors every trial evaluates on.
 */
let digits = null;
function mnist() {
  digits ??= loadMnist().then(({ train, validation }) => ({
    train,
    validation: splitTensors(validation),
  }));
  return digits;
}

/** The hyperparameters this trial needs; a config that lacks one is a bug to report, not to tune. */
function readHParams(hparams) {
  const { global_batch_size, lr, hidden, dropout } = hparams;
  const problems = [];
  if (!Number.isInteger(global_batch_size) || global_batch_size < 1)
    problems.push(`global_batch_size must be an integer >= 1, got ${global_batch_size}`);
  if (!(typeof lr === "number" && lr > 0)) problems.push(`lr must be a number > 0, got ${lr}`);
  if (!Number.isInteger(hidden) || hidden < 1)
    problems.push(`hidden must be an integer >= 1, got ${hidden}`);
  if (!(typeof dropout === "number" && dropout >= 0 && dropout < 1))
    problems.push(`dropout must be a number in [0, 1), got ${dropout}`);
  if (problems.length > 0) throw new Error(`mnist-tfjs: ${problems.join("; ")}`);
  return { global_batch_size, lr, hidden, dropout };
}

/** `node train.js` without a master: one trial of `--batches`, with these hyperparameters. */
function dryRunOptions() {
  const { values } = parseArgs({
    options: {
      batches: { type: "string", default: "500" },
      "batch-size": { type: "string", default: "64" },
      lr: { type: "string", default: "0.003" },
      hidden: { type: "string", default: "128" },
      dropout: { type: "string", default: "0.1" },
      "validate-every": { type: "string", default: "100" },
      "checkpoint-every": { type: "string" },
    },
  });
  const batches = (name) => ({ unit: "batches", value: Number(values[name]) });
  return {
    maxLength: Number(values.batches),
    hparams: {
      global_batch_size: Number(values["batch-size"]),
      lr: Number(values.lr),
      hidden: Number(values.hidden),
      dropout: Number(values.dropout),
    },
    config: {
      searcher: { metric: "validation_accuracy", smaller_is_better: false },
      min_validation_period: batches("validate-every"),
      ...(values["checkpoint-every"] ? { min_checkpoint_period: batches("checkpoint-every") } : {}),
    },
  };
}

for await (const ctx of trials({ dryRun: dryRunOptions() })) {
  const trainer = new MnistTrainer();
  const { outcome, batches } = await trainer.fit({ ctx });
  const accuracy = trainer.lastValidation?.validation_accuracy;
  console.log(
    `mnist-tfjs: ${outcome} after ${batches} batches; validation accuracy ${accuracy?.toFixed(4) ?? "n/a"}`,
  );
}
