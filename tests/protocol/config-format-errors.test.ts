import { describe, expect, test } from "vitest";
import {
  formatConfigErrors,
  parseExperimentConfig,
  parseExperimentConfigYaml,
} from "../../src/protocol/config/index.js";

describe("formatConfigErrors", () => {
  test("prints one line per error, path first", () => {
    expect(
      formatConfigErrors([
        { path: "searcher.max_trials", message: 'must be an integer >= 1, got "ten"' },
        { path: "resources.priority", message: "must be an integer between 1 and 99, got 0" },
      ]),
    ).toBe(
      'searcher.max_trials: must be an integer >= 1, got "ten"\n' +
        "resources.priority: must be an integer between 1 and 99, got 0",
    );
  });

  test("prints an error about the whole document without a path", () => {
    expect(
      formatConfigErrors([{ path: "", message: "the config must be a mapping, got null" }]),
    ).toBe("the config must be a mapping, got null");
  });

  test("keeps a multi-line message on its one line", () => {
    expect(formatConfigErrors([{ path: "a", message: "first\nsecond" }])).toBe("a: first second");
  });

  test("gives the design's example message for a wordy max_trials", () => {
    const result = parseExperimentConfigYaml(
      "entrypoint: node train.js\n" +
        "searcher: {name: random, metric: loss, max_length: {batches: 10}, max_trials: ten}\n",
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(formatConfigErrors(result.errors)).toBe(
      'searcher.max_trials: must be an integer >= 1, got "ten"',
    );
  });

  test("quotes odd hyperparameter names in paths", () => {
    const result = parseExperimentConfig({
      entrypoint: "x",
      hyperparameters: { "layer.1": { type: "int", minval: 2, maxval: 1 } },
      searcher: { name: "single", metric: "m", max_length: 5 },
    });
    expect(result.ok ? [] : result.errors.map((e) => e.path)).toEqual([
      'hyperparameters["layer.1"].minval',
    ]);
  });

  test("shortens long strings it quotes", () => {
    const result = parseExperimentConfig({
      entrypoint: "x",
      searcher: { name: "single", metric: "m", max_length: "x".repeat(500) },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]!.message.length).toBeLessThan(200);
  });
});

describe("YAML input", () => {
  test("merge keys share a block between hyperparameters", () => {
    const result = parseExperimentConfigYaml(`
entrypoint: x
hyperparameters:
  a: &range {type: int, minval: 1, maxval: 4}
  b: {<<: *range, count: 2}
searcher: {name: single, metric: m, max_length: 5}
`);
    expect(result.ok && result.config.hyperparameters.b).toEqual({
      type: "int",
      minval: 1,
      maxval: 4,
      count: 2,
    });
  });

  test("a document of excessive aliases is refused rather than expanded", () => {
    const lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 12; i++) {
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(", ")}]`,
      );
    }
    const result = parseExperimentConfigYaml(lines.join("\n"));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([{ path: "", message: expect.stringContaining("alias") }]);
  });

  test("several YAML documents in one file are an error", () => {
    const result = parseExperimentConfigYaml("entrypoint: x\n---\nentrypoint: y\n");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]!.path).toBe("");
  });
});
