/**
 * Wall time of ASHA against random search on trials with a realistic start
 * cost: random search, async_halving (promoting, and with `stop_once`) and
 * adaptive_asha with the same seed on 2 slots, through a real master and real
 * trial processes — scikit-learn's digits (examples/sklearn-digits, one batch
 * = one epoch, /usr/bin/python3) and, with WORKLOADS=sklearn,mnist, the
 * TensorFlow.js MNIST example (needs `npm run build`). The default,
 * WORKLOADS=sklearn,sklearn-rest, also runs the digits trial written against
 * the REST API alone, without the SDK (the example's rest_train.py), which
 * also runs trial after trial in one process. The aim: each ASHA
 * method's wall time ≤ random's × its share of random's compute × 1.5.
 * Compute counts batches only: a validation costs extra, and ASHA validates
 * at every rung (MNIST's 2,000 validation images take about 12 ms, some 5
 * batches, in a run on 2 slots; scikit-learn's 360 about 1 ms). MNIST_MAX_LENGTH
 * (default 81 batches) scales MNIST's trials: at 81 a first rung is one
 * batch and its validation costs most of it; at 81 × 16 = 1296 (about 10
 * epochs of the 8,000 training images) a first rung trains 16 batches, about
 * three times as long as its validation.
 *
 *   node --import tsx bench/asha-wall-time.ts
 *   METHODS=random,async_halving SLOTS=2 ROUNDS=1 node --import tsx bench/asha-wall-time.ts
 *   WORKLOADS=mnist MNIST_MAX_LENGTH=1296 ROUNDS=1 node --import tsx bench/asha-wall-time.ts
 *   WORKLOADS=sklearn,sklearn-rest node --import tsx bench/asha-wall-time.ts
 *   SAME_WIDTH=1 node --import tsx bench/asha-wall-time.ts
 *
 * The aim counts compute in batches, but a batch of a wider model costs more
 * (MNIST: about 1.3 ms at 32 hidden units, 2.5 ms at 128), and ASHA promotes
 * the models that learn best, which are often the wider ones. SAME_WIDTH=1
 * fixes the width at the middle of its range for every method, so that a
 * batch costs the same whoever chose it: the ratio then measures what the
 * handovers, validations and restores cost, apart from the searcher's choice
 * of models.
 *
 * On 2 slots of a 2-core machine the master shares the trials' cores: its
 * work at every handover (some 12–20 ms of CPU an allocation) and the other
 * trial's save and restore are taken from the batches of the trial that
 * trains meanwhile, so an ASHA method's batches cost more than random
 * search's even at the same width (MNIST, SAME_WIDTH=1: about 1.26×; on
 * SLOTS=1, where the master has a core of its own as on a cluster, about
 * 1.06×).
 *
 * Each method runs ROUNDS times (default 3), interleaved with the others, and
 * is measured against the random search of its own round (the machine's load
 * changes from one minute to the next, and random's wall is the aim's yardstick);
 * its figures are those of its round with the median ratio, beside the range
 * of its rounds' ratios.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PYTHON, PYTHON_SDK, requirePython } from "./support/python.js";
import {
  METHODS,
  type Method,
  type MethodFigures,
  measureSearchWallTime,
  type Workload,
} from "./support/search-wall-time-run.js";

const ROOT = resolve(import.meta.dirname, "..");

/** The width hyperparameter of each workload (an int range), fixed by SAME_WIDTH=1. */
const WIDTHS: Record<string, string> = {
  sklearn: "width",
  "sklearn-rest": "width",
  mnist: "hidden",
};

/** `w` with its width hyperparameter `name` fixed at the middle of its range for every method. */
function withSameWidth(w: Workload, name: string): Workload {
  const { minval, maxval } = w.hyperparameters[name] as { minval: number; maxval: number };
  return {
    ...w,
    name: `${w.name}-same-width`,
    hyperparameters: { ...w.hyperparameters, [name]: Math.round((minval + maxval) / 2) },
  };
}

const WORKLOADS: Record<string, () => Workload> = {
  sklearn: () => {
    requirePython();
    return {
      name: "sklearn-digits",
      entrypoint: `${PYTHON} train.py`,
      workdir: join(ROOT, "examples/sklearn-digits"),
      hyperparameters: {
        lr: { type: "log", minval: -3.5, maxval: -1, base: 10 },
        alpha: { type: "log", minval: -6, maxval: -1, base: 10 },
        width: { type: "int", minval: 16, maxval: 256 },
      },
      maxLength: 81,
      trials: 108,
      variables: { PYTHONPATH: PYTHON_SDK, PYTHONUNBUFFERED: "1" },
    };
  },
  "sklearn-rest": () => ({
    ...WORKLOADS.sklearn!(),
    name: "sklearn-digits-rest",
    entrypoint: `${PYTHON} rest_train.py`,
    variables: { PYTHONUNBUFFERED: "1" },
  }),
  mnist: () => {
    if (!existsSync(join(ROOT, "dist/sdk-bundle/index.js"))) {
      throw new Error("the mnist-tfjs trials import the built SDK: run `npm run build` first");
    }
    return {
      name: "mnist-tfjs",
      entrypoint: "node train.js",
      workdir: join(ROOT, "examples/mnist-tfjs"),
      hyperparameters: {
        global_batch_size: 64,
        lr: { type: "log", minval: -3, maxval: -2, base: 10 },
        hidden: { type: "int", minval: 32, maxval: 128 },
        dropout: { type: "double", minval: 0, maxval: 0.2 },
      },
      maxLength: Number(process.env.MNIST_MAX_LENGTH ?? 81),
      trials: 108,
    };
  },
};

export async function run(): Promise<Record<string, MethodFigures[]>> {
  const methods = (process.env.METHODS?.split(",") ?? METHODS) as Method[];
  const sameWidth = process.env.SAME_WIDTH === "1";
  const out: Record<string, MethodFigures[]> = {};
  for (const name of (process.env.WORKLOADS ?? "sklearn,sklearn-rest").split(",")) {
    const workload = WORKLOADS[name];
    if (!workload) throw new Error(`WORKLOADS: no workload ${name} (${Object.keys(WORKLOADS)})`);
    out[name] = await measureSearchWallTime({
      workload: sameWidth ? withSameWidth(workload(), WIDTHS[name]!) : workload(),
      slots: Number(process.env.SLOTS ?? 2),
      seed: Number(process.env.SEED ?? 11),
      methods,
      rounds: Number(process.env.ROUNDS ?? 3),
    });
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await run();
