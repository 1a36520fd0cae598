/**
 * A YAML config's keys are text (or numbers, booleans): a mapping, a list or
 * null as a key is an error naming it and its line, and the YAML package
 * prints no warning.
 */
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { formatConfigErrors, parseExperimentConfigYaml } from "../../src/protocol/config/index.js";

const HEAD = "entrypoint: x\nsearcher: {name: single, metric: m, max_length: 5}\n";

let warnings: unknown[];
const onWarning = (w: unknown) => warnings.push(w);
beforeEach(() => {
  warnings = [];
  process.on("warning", onWarning);
});
afterEach(() => {
  process.off("warning", onWarning);
  expect(warnings).toEqual([]);
});

function errorsOf(text: string): string {
  const result = parseExperimentConfigYaml(text);
  expect(result.ok).toBe(false);
  return result.ok ? "" : formatConfigErrors(result.errors);
}

/** Lets a warning emitted with process.emitWarning arrive (it is emitted on the next tick). */
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("YAML keys", () => {
  test("a null key (~, null, or none at all) is an error naming it and its line", async () => {
    const message = (line: number, column: number) =>
      `hyperparameters: a key must be text, a number or a boolean, got null (line ${line}, column ${column})`;
    expect(errorsOf(`${HEAD}hyperparameters: {~: 1}\n`)).toBe(message(3, 19));
    expect(errorsOf(`${HEAD}hyperparameters:\n  null: 1\n`)).toBe(message(4, 3));
    expect(errorsOf(`${HEAD}hyperparameters:\n  : 1\n`)).toBe(message(4, 3));
    // Quoted, it is text: a hyperparameter named "~".
    const quoted = parseExperimentConfigYaml(`${HEAD}hyperparameters: {"~": 1}\n`);
    expect(quoted.ok && quoted.config.hyperparameters).toEqual({ "~": { type: "const", val: 1 } });
    await tick();
  });

  test("a list as a key is an error naming it, and nothing is printed", async () => {
    expect(errorsOf(`${HEAD}hyperparameters:\n  ? [a, b]\n  : 1\n`)).toBe(
      "hyperparameters: a key must be text, a number or a boolean, got a list (line 4, column 5)",
    );
    await tick();
  });

  test("a mapping as a key, written in flow style or through an alias, is an error", async () => {
    expect(errorsOf(`${HEAD}hyperparameters: {{a: 1}: 2}\n`)).toContain(
      "a key must be text, a number or a boolean, got a mapping (line 3, column 19)",
    );
    expect(errorsOf(`${HEAD}hyperparameters:\n  a: &k [1]\n  *k : 2\n`)).toContain(
      "got a list (line 5, column 3)",
    );
    await tick();
  });

  test("numbers and booleans as keys are still read as text", () => {
    const result = parseExperimentConfigYaml(`${HEAD}hyperparameters: {1: a, true: b}\n`);
    expect(result.ok && result.config.hyperparameters).toEqual({
      "1": { type: "const", val: "a" },
      true: { type: "const", val: "b" },
    });
  });
});
