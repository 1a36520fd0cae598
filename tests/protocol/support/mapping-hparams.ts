/**
 * An experiment whose `optimizer` is a categorical of mappings and whose
 * `model` is a nested group holding a const mapping, and three of its
 * trials' hyperparameters.
 */
import {
  type HParamSpecs,
  hyperparameterSpecs,
} from "../../../src/protocol/analysis/flat-hparams.js";
import { minimal, parsed } from "./parsed.js";

export const ADAM = { name: "adam", beta: 0.9 };
export const SGD = { name: "sgd", momentum: 0.5 };
const HEAD = { act: "relu", units: 8 };

/** The specs as `GET /experiments/{id}` sends the config: parsed, through JSON. */
export const mappingSpecs: HParamSpecs = hyperparameterSpecs(
  JSON.parse(
    JSON.stringify(
      parsed({
        ...minimal(),
        hyperparameters: {
          lr: { type: "log", minval: -4, maxval: -1 },
          optimizer: { type: "categorical", vals: [ADAM, SGD] },
          model: {
            depth: { type: "int", minval: 1, maxval: 3 },
            head: { type: "const", val: HEAD },
          },
        },
      }),
    ),
  ),
);

export const mappingTrials = [
  { lr: 0.001, optimizer: ADAM, model: { depth: 1, head: HEAD } },
  { lr: 0.01, optimizer: SGD, model: { depth: 2, head: HEAD } },
  // A custom searcher may send a choice with its keys in another order.
  { lr: 0.1, optimizer: { beta: 0.9, name: "adam" }, model: { depth: 3, head: HEAD } },
];
