/**
 * The model: a multilayer perceptron on 28×28 digits,
 *
 *   784 inputs → dense(hidden, relu) → dropout(dropout) → dense(10, softmax)
 *
 * built with tf.layers (so it evaluates, predicts and saves as any Keras-style
 * model does) and trained with Adam(lr) on cross-entropy by `trainStep`.
 */
import * as tf from "@tensorflow/tfjs";
import { IMAGE_SIZE, NUM_CLASSES } from "./data.js";

/**
 * TensorFlow.js takes an initializer's seed of 0 for "unseeded": trial seed 0
 * seeds with 2^32, which no other trial seed (below 2^31) is.
 */
const initializerSeed = (seed) => (seed === 0 ? 2 ** 32 : seed);

/**
 * A compiled model; weights are initialised from `seed`. Dropout masks are
 * drawn by `trainStep`, from the batch's own seed.
 */
export function buildModel({ lr, hidden, dropout, seed: trialSeed }) {
  const seed = initializerSeed(trialSeed);
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [IMAGE_SIZE],
        units: hidden,
        activation: "relu",
        kernelInitializer: tf.initializers.heNormal({ seed }),
      }),
      tf.layers.dropout({ rate: dropout }),
      tf.layers.dense({
        units: NUM_CLASSES,
        activation: "softmax",
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
      }),
    ],
  });
  model.compile({
    optimizer: tf.train.adam(lr),
    loss: "categoricalCrossentropy",
    metrics: ["accuracy"],
  });
  return model;
}

/**
 * `x · kernel`, whose gradient with respect to `kernel` is computed from `xT`,
 * the batch already transposed. The WebAssembly backend multiplies by a
 * transposed left operand in a plain loop, not with XNNPACK: for the first
 * layer's weight gradient (xᵀ · dy, the biggest product of a step) that is
 * three times slower than the whole rest of the step.
 */
const firstLayerProduct = tf.customGrad((x, xT, kernel) => ({
  value: tf.matMul(x, kernel),
  gradFunc: (dy) => [tf.zerosLike(x), tf.zerosLike(xT), tf.matMul(xT, dy)],
}));

/**
 * One step of the model's own optimizer on a batch (tensors `images` [b, 784],
 * `imagesT` [784, b], one-hot `labels` [b, 10]): what `model.trainOnBatch`
 * does, with the first layer's gradient computed as above. The same variables
 * in the same order, so the optimizer's state saves and restores as usual.
 * The dropout mask is drawn from `dropoutSeed` (the batch's, see
 * `BatchSampler.batch`), so a step depends on nothing but the model and the
 * batch: a trial resumed from a checkpoint trains on as one that never stopped.
 */
export async function trainStep(model, { images, imagesT, labels, dropoutSeed }) {
  const [dense1, dropout, dense2] = model.layers;
  if (dense1.getConfig().activation !== "relu" || dense2.getConfig().activation !== "softmax") {
    throw new Error("trainStep expects dense(relu) → dropout → dense(softmax)");
  }
  const rate = dropout.getConfig().rate;
  const variables = model.trainableWeights.map((w) => w.read());
  const [kernel1, bias1, kernel2, bias2] = variables;
  let accuracy;
  const loss = model.optimizer.minimize(
    () => {
      let hidden = tf.relu(tf.add(firstLayerProduct(images, imagesT, kernel1), bias1));
      if (rate > 0) hidden = tf.dropout(hidden, rate, undefined, dropoutSeed);
      const logits = tf.add(tf.matMul(hidden, kernel2), bias2);
      const correct = tf.equal(tf.argMax(logits, 1), tf.argMax(labels, 1));
      accuracy = tf.keep(tf.mean(tf.cast(correct, "float32")));
      return tf.losses.softmaxCrossEntropy(labels, logits);
    },
    true,
    variables,
  );
  const [lossValue, accuracyValue] = await Promise.all([loss.data(), accuracy.data()]);
  tf.dispose([loss, accuracy]);
  return { loss: lossValue[0], accuracy: accuracyValue[0] };
}

/**
 * `trainStep` on a batch as `BatchSampler.batch` returns it (row-major
 * arrays): the batch becomes tensors for the step only.
 */
export async function trainArrays(model, { images, imagesT, labels, dropoutSeed }) {
  const batchSize = labels.length / NUM_CLASSES;
  const batch = {
    images: tf.tensor2d(images, [batchSize, IMAGE_SIZE]),
    imagesT: tf.tensor2d(imagesT, [IMAGE_SIZE, batchSize]),
    labels: tf.tensor2d(labels, [batchSize, NUM_CLASSES]),
  };
  try {
    return await trainStep(model, { ...batch, dropoutSeed });
  } finally {
    tf.dispose(batch);
  }
}

/** The batch size of an evaluation: each batch's mean loss and accuracy weigh 500 images. */
const EVALUATION_BATCH = 500;

/**
 * A whole split as tensors, cut once into the batches an evaluation runs:
 * images [500, 784] and one-hot labels [500, 10] each (the last batch may be
 * smaller). Build it once and evaluate any number of models on it.
 */
export function splitTensors(split) {
  return tf.tidy(() => {
    const images = tf.tensor2d(split.images, [split.size, IMAGE_SIZE]);
    const labels = tf.oneHot(tf.tensor1d(split.labels, "int32"), NUM_CLASSES).toFloat();
    const batches = [];
    for (let start = 0; start < split.size; start += EVALUATION_BATCH) {
      const size = Math.min(EVALUATION_BATCH, split.size - start);
      batches.push({
        xs: images.slice([start, 0], [size, IMAGE_SIZE]),
        ys: labels.slice([start, 0], [size, NUM_CLASSES]),
      });
    }
    return batches;
  });
}

/**
 * Loss and accuracy on a split, as the trial reports them: the same numbers
 * as `model.evaluate(images, labels, { batchSize: 500 })`, to the last bit,
 * without its copy of every batch (a gather that takes four times as long as
 * the model itself). `evaluateDataset` disposes what it is given: it gets
 * clones, which share the batches' memory.
 */
export async function evaluateModel(model, batches) {
  const dataset = tf.data.generator(function* () {
    for (const { xs, ys } of batches) yield { xs: tf.clone(xs), ys: tf.clone(ys) };
  });
  const results = await model.evaluateDataset(dataset);
  const [loss, accuracy] = await Promise.all(results.map((t) => t.data()));
  tf.dispose(results);
  return { validation_loss: loss[0], validation_accuracy: accuracy[0] };
}
