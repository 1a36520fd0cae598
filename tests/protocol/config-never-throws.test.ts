import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  type ParseResult,
  parseExperimentConfig,
  parseExperimentConfigYaml,
} from "../../src/protocol/config/index.js";

/** A well-formed result whose errors came from validation, not from the last-resort guard. */
function expectWellFormed(result: ParseResult): void {
  expect(typeof result.ok).toBe("boolean");
  if (result.ok) return;
  expect(result.errors.length).toBeGreaterThan(0);
  for (const error of result.errors) {
    expect(typeof error.path).toBe("string");
    expect(typeof error.message).toBe("string");
    expect(error.message).not.toContain("could not be read");
  }
}

const anything = fc.anything({
  maxDepth: 4,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
  withUnicodeString: true,
});

/** A valid config to break in one place. */
function validConfig(): Record<string, unknown> {
  return {
    name: "n",
    entrypoint: "node train.js",
    hyperparameters: {
      global_batch_size: 32,
      lr: { type: "log", minval: -4, maxval: -1 },
      model: { depth: { type: "int", minval: 1, maxval: 3, count: 3 } },
      opt: { type: "categorical", vals: ["a", "b"] },
    },
    searcher: {
      name: "adaptive_asha",
      metric: "loss",
      max_length: { batches: 100 },
      max_trials: 4,
      bracket_rungs: [2, 1],
    },
    records_per_epoch: 1000,
    min_validation_period: { epochs: 1 },
    checkpoint_storage: { save_trial_best: 1 },
    resources: { priority: 10 },
    reproducibility: { experiment_seed: 1 },
    environment: { variables: { A: "1" } },
  };
}

/** Where a broken value is put: every section and some fields deep inside. */
const PLACES: string[][] = [
  [],
  ["name"],
  ["entrypoint"],
  ["hyperparameters"],
  ["hyperparameters", "lr"],
  ["hyperparameters", "lr", "minval"],
  ["hyperparameters", "lr", "base"],
  ["hyperparameters", "model"],
  ["hyperparameters", "model", "depth"],
  ["hyperparameters", "model", "depth", "count"],
  ["hyperparameters", "opt", "vals"],
  ["hyperparameters", "global_batch_size"],
  ["searcher"],
  ["searcher", "name"],
  ["searcher", "max_length"],
  ["searcher", "max_length", "batches"],
  ["searcher", "bracket_rungs"],
  ["searcher", "mode"],
  ["records_per_epoch"],
  ["min_validation_period"],
  ["checkpoint_storage"],
  ["resources"],
  ["reproducibility", "experiment_seed"],
  ["environment", "variables"],
  ["environment", "variables", "A"],
];

function placeAt(root: Record<string, unknown>, place: string[], value: unknown): unknown {
  if (place.length === 0) return value;
  let node = root;
  for (const key of place.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[place.at(-1)!] = value;
  return root;
}

describe("the parser never throws", () => {
  test("on arbitrary JSON", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (input) => {
        expectWellFormed(parseExperimentConfig(input));
      }),
      { numRuns: 500 },
    );
  });

  test("on arbitrary JavaScript values", () => {
    fc.assert(
      fc.property(anything, (input) => {
        expectWellFormed(parseExperimentConfig(input));
      }),
      { numRuns: 500 },
    );
  });

  test("on a valid config with one value replaced by anything", () => {
    fc.assert(
      fc.property(fc.constantFrom(...PLACES), anything, (place, value) => {
        expectWellFormed(parseExperimentConfig(placeAt(validConfig(), place, value)));
      }),
      { numRuns: 1000 },
    );
  });

  test("on a valid config with an extra key in any mapping", () => {
    const mappings = [
      [],
      ["hyperparameters"],
      ["hyperparameters", "lr"],
      ["hyperparameters", "model"],
      ["hyperparameters", "model", "depth"],
      ["searcher"],
      ["searcher", "max_length"],
      ["checkpoint_storage"],
      ["resources"],
      ["reproducibility"],
      ["environment"],
      ["environment", "variables"],
    ];
    const keys = ["__proto__", "constructor", "toString", "hasOwnProperty", "", "x.y", "type"];
    fc.assert(
      fc.property(
        fc.constantFrom(...mappings),
        fc.constantFrom(...keys),
        fc.jsonValue(),
        (place, key, value) => {
          const config = validConfig();
          let node = config;
          for (const k of place) node = node[k] as Record<string, unknown>;
          // defineProperty makes even `__proto__` an own key, as JSON.parse does.
          Object.defineProperty(node, key, {
            value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
          expectWellFormed(parseExperimentConfig(config));
        },
      ),
      { numRuns: 500 },
    );
  });

  test("on arbitrary text given as YAML", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) => {
        expectWellFormed(parseExperimentConfigYaml(text));
      }),
      { numRuns: 500 },
    );
  });

  test("on YAML-looking text", () => {
    const token = fc.constantFrom(
      "entrypoint: x\n",
      "searcher:\n",
      "  name: grid\n",
      "  max_length: {batches: 3}\n",
      "hyperparameters:\n",
      "  a: &x {type: int, minval: 1, maxval: 2}\n",
      "  b: *x\n",
      "  <<: *x\n",
      "- ",
      ": ",
      "{",
      "}",
      "[",
      "]",
      "\t",
      "  ",
      "!!binary aGVsbG8=\n",
      "? [a]\n",
      ".nan\n",
      "---\n",
      "'",
      '"',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 30 }), (tokens) => {
        expectWellFormed(parseExperimentConfigYaml(tokens.join("")));
      }),
      { numRuns: 500 },
    );
  });

  test("on hyperparameters nested far too deep", () => {
    let deep: Record<string, unknown> = { type: "int", minval: 1, maxval: 2 };
    for (let i = 0; i < 5000; i++) deep = { level: deep };
    let deepValue: unknown = 1;
    for (let i = 0; i < 5000; i++) deepValue = [deepValue];
    const result = parseExperimentConfig({
      entrypoint: "x",
      hyperparameters: { deep, deepValue },
      searcher: { name: "single", metric: "m", max_length: 5 },
    });
    expectWellFormed(result);
    expect(result.ok).toBe(false);
  });

  test("on a YAML alias inside the node it names", () => {
    const result = parseExperimentConfigYaml(
      'entrypoint: x\nhyperparameters: {a: &x [1, *x], b: &y {c: *y, d: "\\0"}}\nsearcher: {name: single, metric: m, max_length: 5}\n',
    );
    expectWellFormed(result);
    // It nests without end: refused as too deep, where the first such alias leads.
    expect(result.ok ? [] : result.errors.map((e) => e.path)).toEqual([
      `hyperparameters.a${"[1]".repeat(30)}`,
    ]);
  });

  test("on a number too large for an integer", () => {
    const result = parseExperimentConfigYaml(
      "entrypoint: x\nsearcher: {name: random, metric: m, max_length: 5, max_trials: 123456789012345678901234567890}\n",
    );
    expect(result.ok ? [] : result.errors.map((e) => e.path)).toEqual(["searcher.max_trials"]);
  });
});
