/**
 * The MNIST example's initial weights follow from the trial seed, seed 0
 * included: TensorFlow.js takes an initializer's seed of 0 for "no seed" and
 * draws from Math.random, so seed 0 is passed as a value no other trial seed
 * takes. Its training steps follow from the trial seed and the batch index,
 * dropout masks included.
 */
import type * as tf from "@tensorflow/tfjs";
import { expect, test } from "vitest";
// @ts-expect-error: the example is plain JavaScript without declarations
import { BatchSampler, IMAGE_SIZE } from "../../examples/mnist-tfjs/data.js";
// @ts-expect-error: the example is plain JavaScript without declarations
import { buildModel, trainArrays } from "../../examples/mnist-tfjs/model.js";

function initialWeights(seed: number): number[][] {
  const model = buildModel({ lr: 0.001, hidden: 8, dropout: 0, seed });
  const weights = model.getWeights().map((w: tf.Tensor) => [...w.dataSync()]);
  model.dispose();
  return weights;
}

test.each([0, 1, 2 ** 31 - 1])(
  "two models built with trial seed %i start from the same weights",
  (seed) => {
    expect(initialWeights(seed)).toEqual(initialWeights(seed));
  },
);

test("trial seed 0 starts from other weights than trial seed 1", () => {
  expect(initialWeights(0)).not.toEqual(initialWeights(1));
});

/** 64 made-up images of 784 pixels, labelled 0–9 in turn. */
function smallSplit() {
  const size = 64;
  const images = new Float32Array(size * IMAGE_SIZE);
  for (let i = 0; i < images.length; i++) images[i] = Math.sin(i * 0.37) * 1.5;
  const labels = Uint8Array.from({ length: size }, (_, i) => i % 10);
  return { images, labels, size };
}

/** The weights after training `batches` (indices, in order) of trial `seed` with dropout 0.5. */
async function weightsAfter(
  seed: number,
  batches: number[],
  sampler = new BatchSampler(smallSplit(), 16, seed),
) {
  const model = buildModel({ lr: 0.01, hidden: 8, dropout: 0.5, seed });
  for (const batch of batches) await trainArrays(model, sampler.batch(batch));
  const weights = model.getWeights().map((w: tf.Tensor) => [...w.dataSync()]);
  model.optimizer.dispose();
  model.dispose();
  return weights;
}

test("two trainings of one trial with dropout end with the same weights", async () => {
  expect(await weightsAfter(3, [0, 1, 2, 3, 4])).toEqual(await weightsAfter(3, [0, 1, 2, 3, 4]));
});

test("a batch's dropout mask follows from the trial seed and the batch index", () => {
  const sampler = new BatchSampler(smallSplit(), 16, 3);
  const seedOf = (batch: number) => sampler.batch(batch).dropoutSeed;
  expect(seedOf(5)).toBe(new BatchSampler(smallSplit(), 16, 3).batch(5).dropoutSeed);
  expect(seedOf(5)).not.toBe(seedOf(6));
  expect(seedOf(5)).not.toBe(new BatchSampler(smallSplit(), 16, 4).batch(5).dropoutSeed);
});

test("the same batches under other dropout masks train other weights", async () => {
  // Same initial weights (seed 3) and batch order; only the masks' seeds differ.
  const sampler = new BatchSampler(smallSplit(), 16, 3);
  const otherMasks = {
    batch: (i: number) => ({ ...sampler.batch(i), dropoutSeed: `other/${i}` }),
  };
  expect(await weightsAfter(3, [0, 1, 2], otherMasks)).not.toEqual(
    await weightsAfter(3, [0, 1, 2]),
  );
});
