import { describe, expect, test } from "vitest";
import {
  type ConfigError,
  parseExperimentConfig,
  parseExperimentConfigYaml,
} from "../../src/protocol/config/index.js";
import { fieldCases } from "./support/bad-configs-fields.js";
import { hyperparameterCases } from "./support/bad-configs-hyperparameters.js";
import { sectionCases } from "./support/bad-configs-sections.js";
import { cfg } from "./support/config-builders.js";

const cases = [...fieldCases, ...hyperparameterCases, ...sectionCases];

function parse(input: unknown) {
  return typeof input === "string"
    ? parseExperimentConfigYaml(input)
    : parseExperimentConfig(input);
}

describe("invalid configs", () => {
  test("the table has at least 30 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  test.each(cases)("$title", ({ input, errors }) => {
    const result = parse(input);
    const got: ConfigError[] = result.ok ? [] : result.errors;
    expect(got.map((e) => e.path).sort()).toEqual(errors.map(([path]) => path).sort());
    for (const [path, fragment] of errors) {
      const messages = got.filter((e) => e.path === path).map((e) => e.message);
      expect(messages, `messages at ${JSON.stringify(path)}`).toContainEqual(
        expect.stringContaining(fragment),
      );
    }
  });

  test("the base config of the table is itself valid", () => {
    expect(parse(cfg()).ok).toBe(true);
  });

  test("a __proto__ key does not pollute any prototype", () => {
    parse(
      JSON.parse(
        `{"__proto__": {"polluted": true}, "hyperparameters": {"a": {"__proto__": {"polluted": true}}}}`,
      ),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
