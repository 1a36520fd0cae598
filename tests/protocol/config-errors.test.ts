import { describe, expect, test } from "vitest";
import { fieldCases } from "./support/bad-configs-fields.js";
import { hyperparameterCases } from "./support/bad-configs-hyperparameters.js";
import { sectionCases } from "./support/bad-configs-sections.js";
import { cfg, expectCaseErrors, parseInput as parse } from "./support/config-builders.js";

const cases = [...fieldCases, ...hyperparameterCases, ...sectionCases];

describe("invalid configs", () => {
  test("the table has at least 30 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  test.each(cases)("$title", (c) => expectCaseErrors(c));

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
