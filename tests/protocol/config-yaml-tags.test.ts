/**
 * A YAML config's tags are the YAML 1.2 core schema's: any other tag is an
 * error naming it and its line, not a value read as if untagged.
 */
import { describe, expect, test } from "vitest";
import { formatConfigErrors, parseExperimentConfigYaml } from "../../src/protocol/config/index.js";

const HEAD = "entrypoint: x\nsearcher: {name: single, metric: m, max_length: 5}\n";

function errorsOf(text: string): string {
  const result = parseExperimentConfigYaml(text);
  expect(result.ok).toBe(false);
  return result.ok ? "" : formatConfigErrors(result.errors);
}

describe("YAML tags", () => {
  test("an unknown tag is an error naming it and its line", () => {
    expect(errorsOf(`${HEAD}name: !foo t\n`)).toBe(
      "unknown tag !foo (line 3, column 7); only the YAML 1.2 core tags (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq) are allowed",
    );
    expect(errorsOf(`${HEAD}hyperparameters: {a: !bar [1]}\n`)).toContain(
      "unknown tag !bar (line 3",
    );
  });

  test("YAML 1.1 tags outside the core schema are unknown too", () => {
    for (const value of ["!!binary aGVsbG8=", "!!timestamp 2001-12-14", "!!set {a}"]) {
      expect(errorsOf(`${HEAD}hyperparameters: {a: ${value}}\n`), value).toContain(
        `unknown tag ${value.split(" ")[0]} (line 3`,
      );
    }
  });

  test("a core tag on a value it does not fit is an error naming the tag", () => {
    expect(errorsOf(`${HEAD}hyperparameters: {a: !!float 1}\n`)).toBe(
      "the value tagged !!float (line 3, column 22) is not a float",
    );
  });

  test("the core tags and the non-specific tag are read as before", () => {
    const result = parseExperimentConfigYaml(
      `${HEAD}name: !!str 123\ndescription: ! 5\nmax_restarts: !!int "3"\nhyperparameters: !!map {a: !!seq [!!float 1.5, !!bool true, !!null ~]}\n`,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.name).toBe("123");
    expect(result.config.description).toBe("5");
    expect(result.config.max_restarts).toBe(3);
    expect(result.config.hyperparameters.a).toEqual({ type: "const", val: [1.5, true, null] });
  });
});
