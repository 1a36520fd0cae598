/**
 * The MNIST example's initial weights follow from the trial seed, seed 0
 * included: TensorFlow.js takes an initializer's seed of 0 for "no seed" and
 * draws from Math.random, so seed 0 is passed as a value no other trial seed
 * takes.
 */
import type * as tf from "@tensorflow/tfjs";
import { expect, test } from "vitest";
// @ts-expect-error: the example is plain JavaScript without declarations
import { buildModel } from "../../examples/mnist-tfjs/model.js";

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
