/**
 * Evaluates a checkpoint of this example on the validation split:
 *
 *   node evaluate.js <checkpoint-dir>
 *
 * (for instance a folder from `pushtune checkpoint download UUID`). Prints
 * `{"validation_loss":…,"validation_accuracy":…}`: the same numbers the trial
 * reported at the step the checkpoint was taken.
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { loadModel } from "./checkpoint.js";
import { loadMnist } from "./data.js";
import { evaluateModel, splitTensors } from "./model.js";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node evaluate.js <checkpoint-dir>");
  process.exit(2);
}
if (!(await tf.setBackend("wasm"))) throw new Error("mnist-tfjs: the wasm backend did not start");
const { validation } = await loadMnist();
const model = await loadModel(dir);
console.log(JSON.stringify(await evaluateModel(model, splitTensors(validation))));
