/** Bad configs, part three: hyperparameters (ranges, types, nesting, grid counts). */
import { type Case, cfg, hp } from "./config-builders.js";

export const hyperparameterCases: Case[] = [
  {
    title: "minval above maxval is reported on minval",
    input: hp({ h: { type: "int", minval: 5, maxval: 1 } }),
    errors: [["hyperparameters.h.minval", "must be <= maxval (1), got 5"]],
  },
  {
    title: "a range without a type is not taken for a group of constants",
    input: hp({
      lr: { minval: 0.0001, maxval: 0.1 },
      model: { depth: { minval: 1, maxval: 3, type: null } },
    }),
    errors: [
      [
        "hyperparameters.lr.type",
        "is required: minval and maxval make a range, so type int, double or log",
      ],
      ["hyperparameters.model.depth.type", "is required: minval and maxval make a range"],
    ],
  },
  {
    title: "values without a type are not taken for a constant list",
    input: hp({ optimizer: { vals: ["adam", "sgd"] } }),
    errors: [
      ["hyperparameters.optimizer.type", "is required: vals make a choice, so type categorical"],
    ],
  },
  {
    title: "minval above maxval in a nested hyperparameter has the nested path",
    input: hp({ model: { depth: { type: "double", minval: 0.9, maxval: 0.1 } } }),
    errors: [["hyperparameters.model.depth.minval", "must be <= maxval (0.1), got 0.9"]],
  },
  {
    title: "a grid axis without count is required by the grid searcher",
    input: cfg({
      hyperparameters: {
        lr: { type: "log", minval: -4, maxval: -1 },
        model: { depth: { type: "int", minval: 1, maxval: 3 } },
        opt: { type: "categorical", vals: ["a", "b"] },
      },
      searcher: { name: "grid", metric: "loss", max_length: { batches: 10 } },
    }),
    errors: [
      ["hyperparameters.lr.count", "is required by the grid searcher"],
      ["hyperparameters.model.depth.count", "is required by the grid searcher"],
    ],
  },
  {
    title: "an unknown hyperparameter type lists the valid ones",
    input: hp({ lr: { type: "float", minval: 0, maxval: 1 } }),
    errors: [
      [
        "hyperparameters.lr.type",
        'must be one of const, int, double, log, categorical, got "float"',
      ],
    ],
  },
  {
    title: "another tuner's type name suggests ours",
    input: hp({ lr: { type: "loguniform", minval: -4, maxval: -1 } }),
    errors: [["hyperparameters.lr.type", 'did you mean "log"?']],
  },
  {
    title: "a group with a constant called type explains how to write it",
    input: hp({ model: { type: "resnet", depth: 3 } }),
    errors: [["hyperparameters.model.type", "written type: {type: const, val: …}"]],
  },
  {
    title: "a capitalised hyperparameter type suggests the lower-case one",
    input: hp({ h: { type: "Int", minval: 0, maxval: 1 } }),
    errors: [["hyperparameters.h.type", 'did you mean "int"?']],
  },
  {
    title: "a fractional int bound is not an integer",
    input: hp({ h: { type: "int", minval: 1.5, maxval: 4 } }),
    errors: [["hyperparameters.h.minval", "must be an integer, got 1.5"]],
  },
  {
    title: "an int without maxval is incomplete",
    input: hp({ h: { type: "int", minval: 1 } }),
    errors: [["hyperparameters.h.maxval", "is required for an int hyperparameter"]],
  },
  {
    title: "a zero count is rejected",
    input: hp({ h: { type: "int", minval: 1, maxval: 4, count: 0 } }),
    errors: [["hyperparameters.h.count", "must be an integer >= 1, got 0"]],
  },
  {
    title: "an unknown field in a spec lists the spec's fields",
    input: hp({ h: { type: "int", minval: 1, maxval: 4, step: 1 } }),
    errors: [
      ["hyperparameters.h.step", "unknown field; expected one of: type, minval, maxval, count"],
    ],
  },
  {
    title: "a log base of 1 is rejected",
    input: hp({ lr: { type: "log", minval: -3, maxval: -1, base: 1 } }),
    errors: [["hyperparameters.lr.base", "must be a number > 0 other than 1, got 1"]],
  },
  {
    title: "a negative log base is rejected",
    input: hp({ lr: { type: "log", minval: -3, maxval: -1, base: -2 } }),
    errors: [["hyperparameters.lr.base", "got -2"]],
  },
  {
    title: "a log exponent that overflows is rejected",
    input: hp({ lr: { type: "log", minval: 1, maxval: 400 } }),
    errors: [["hyperparameters.lr.maxval", "is finite and non-zero, got 400"]],
  },
  {
    title: "an empty categorical has nothing to choose from",
    input: hp({ opt: { type: "categorical", vals: [] } }),
    errors: [["hyperparameters.opt.vals", "must be a non-empty list of values, got an empty list"]],
  },
  {
    title: "categorical vals given as a string are not a list",
    input: hp({ opt: { type: "categorical", vals: "adam" } }),
    errors: [["hyperparameters.opt.vals", 'got "adam"']],
  },
  {
    title: "a const without val is incomplete",
    input: hp({ c: { type: "const" } }),
    errors: [["hyperparameters.c.val", "is required for a const hyperparameter"]],
  },
  {
    title: "a misspelt type next to spec fields is not silently a nested group",
    input: hp({ h: { typ: "int", minval: 1, maxval: 4 } }),
    errors: [["hyperparameters.h.typ", 'did you mean "type"?']],
  },
  {
    title: "a non-positive global_batch_size constant is rejected",
    input: cfg({ hyperparameters: { global_batch_size: 0 } }),
    errors: [
      [
        "hyperparameters.global_batch_size",
        "must be an integer >= 1 (it is the global batch size), got 0",
      ],
    ],
  },
];
