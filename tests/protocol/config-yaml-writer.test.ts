/** A config written as YAML reads like a hand-written one, and any JSON data written so reads back as the same value. */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { configToYaml } from "../../src/protocol/config/write-yaml.js";

describe("config YAML", () => {
  test("reads like a hand-written config", () => {
    expect(
      configToYaml({
        name: "mnist",
        hyperparameters: { lr: { type: "log", minval: -4 }, optimizer: { vals: ["adam", "sgd"] } },
        searcher: { name: "adaptive_asha", max_length: { batches: 1000 }, stop_once: false },
        empty: {},
      }),
    ).toBe(
      [
        "name: mnist",
        "hyperparameters:",
        "  lr:",
        "    type: log",
        "    minval: -4",
        "  optimizer:",
        "    vals: [adam, sgd]",
        "searcher:",
        "  name: adaptive_asha",
        "  max_length:",
        "    batches: 1000",
        "  stop_once: false",
        "empty: {}",
        "",
      ].join("\n"),
    );
  });

  test("any JSON config reads back as the same value", () => {
    const key = fc.string({ minLength: 1, maxLength: 8 });
    const scalar = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        scalar,
        fc.array(tie("node"), { maxLength: 4 }),
        fc.dictionary(key, tie("node"), { maxKeys: 4 }),
      ),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 5 }), (config) => {
        expect(parse(configToYaml(config))).toEqual(config);
      }),
      { numRuns: 300 },
    );
  });
});
