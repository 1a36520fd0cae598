/**
 * Checkpoints in TensorFlow.js's own file layout — `model.json` (topology,
 * training config, weights manifest) and `weights.bin` — as
 * `model.save("file://…")` writes it with the Node.js bindings, which this
 * example does without. So a checkpoint is a model any TensorFlow.js program
 * can load. The optimizer's state (Adam's moments and step count) is saved with
 * the weights: a trial resumed from a checkpoint trains on exactly as if it had
 * never stopped.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";

const MODEL_FILE = "model.json";
const WEIGHTS_FILE = "weights.bin";

/** Writes `model.json` and `weights.bin` into `dir`, the optimizer's state included. */
export async function saveModel(model, dir) {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const { weightData: _, weightSpecs, ...rest } = artifacts;
      const modelJson = {
        ...rest,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: weightSpecs }],
      };
      await writeFile(join(dir, WEIGHTS_FILE), new Uint8Array(weightData));
      await writeFile(join(dir, MODEL_FILE), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
    { includeOptimizer: true },
  );
}

/** Reads what `saveModel` wrote: a compiled model with its weights and optimizer state. */
export async function loadModel(dir) {
  const modelJson = JSON.parse(await readFile(join(dir, MODEL_FILE), "utf8"));
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    const specs = manifest.flatMap((group) => group.weights);
    const buffers = await Promise.all(
      manifest.flatMap((group) => group.paths).map((path) => readFile(join(dir, path))),
    );
    const bytes = Buffer.concat(buffers);
    return [specs, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)];
  });
  return tf.loadLayersModel(tf.io.fromMemory(artifacts));
}
