/**
 * A YAML config nests mappings and lists at most 32 deep, the limit of a
 * request's JSON (MAX_JSON_DEPTH), aliases followed; deeper is one error that
 * names the limit and where, however deep the text goes.
 */
import { describe, expect, test } from "vitest";
import { formatConfigErrors, parseExperimentConfigYaml } from "../../src/protocol/config/index.js";
import { MAX_JSON_DEPTH } from "../../src/protocol/json-value-issues.js";

const HEAD =
  "entrypoint: x\nsearcher: {name: single, metric: m, max_length: 5}\nhyperparameters:\n";

/** A config whose hyperparameter `a` is a constant list nested `n` deep (the config itself is 2 + n). */
const nestedLists = (n: number) => `${HEAD}  a: ${"[".repeat(n)}1${"]".repeat(n)}\n`;

function errorsOf(text: string): string {
  const result = parseExperimentConfigYaml(text);
  expect(result.ok).toBe(false);
  return result.ok ? "" : formatConfigErrors(result.errors);
}

describe("YAML nesting", () => {
  test("the limit is the one of a request's JSON: 32 levels", () => {
    expect(MAX_JSON_DEPTH).toBe(32);
  });

  test("a config 32 levels deep is read, and one 33 deep is refused naming the limit and the line", () => {
    expect(parseExperimentConfigYaml(nestedLists(30)).ok).toBe(true);
    expect(errorsOf(nestedLists(31))).toBe(
      "the config nests mappings and lists deeper than 32 levels at line 4, column 36; at most 32 are allowed",
    );
  });

  test("lists nested 200,000 deep are one error naming the limit, not a stack overflow", () => {
    const message = errorsOf(nestedLists(200_000));
    expect(message).toContain("deeper than 32 levels at line 4");
    expect(message).not.toMatch(/call stack/i);
  });

  test("3,000 nested mappings are one error naming the limit and the line", () => {
    const lines = [HEAD.trimEnd()];
    for (let i = 0; i < 3000; i++) lines.push(`${"  ".repeat(i + 1)}k${i}:`);
    lines.push(`${"  ".repeat(3001)}v`);
    const message = errorsOf(`${lines.join("\n")}\n`);
    expect(message).toBe(
      "the config nests mappings and lists deeper than 32 levels at line 35, column 65; at most 32 are allowed",
    );
  });

  test("aliases that nest deeper than the text does are refused with the path where", () => {
    // Each anchor holds the one before it one list deeper: text 3 deep, data 2,003.
    const lines = ["entrypoint: x", "searcher: {name: single, metric: m, max_length: 5}"];
    lines.push("hyperparameters:", "  c0: &a0 [1]");
    for (let i = 1; i <= 2000; i++) lines.push(`  c${i}: &a${i} [*a${i - 1}]`);
    const message = errorsOf(`${lines.join("\n")}\n`);
    expect(message).toMatch(
      /^hyperparameters\.c30(\[0\]){30}: the config nests mappings and lists deeper than 32 levels here \(line 5, column 12\); at most 32 are allowed$/,
    );
  });

  test("an alias inside the node it names is refused as nesting without end", () => {
    const message = errorsOf(`${HEAD}  a: &x [1, *x]\n`);
    expect(message).toContain("deeper than 32 levels");
  });

  test("merge keys do not count as a level", () => {
    const base = `${"{k: ".repeat(29)}1${"}".repeat(29)}`;
    for (const merge of ["*b", "[*b]"]) {
      const text = `${HEAD}  base: &b {v: ${base}}\n  a: {<<: ${merge}, w: 2}\n`;
      expect(parseExperimentConfigYaml(text).ok, merge).toBe(true);
    }
  });
});
