import { describe, expect, it } from "vitest";
import { formatPreview } from "../../src/searcher/format-preview.js";
import { previewJson, previewSearch } from "../../src/searcher/preview.js";
import { adaptiveAsha, asyncHalving, batches, experimentConfig, random } from "./support/config.js";

describe("search preview", () => {
  const asha = experimentConfig(asyncHalving({ max_length: batches(9000) }));

  it("lists each trial's hyperparameters and lengths, and the total length", () => {
    const result = previewSearch(asha);
    expect(result.trials).toHaveLength(12);
    expect(result.trials[0]).toEqual({
      requestId: 1,
      hparams: expect.objectContaining({ optimizer: expect.any(String) }),
      lengths: [1000, 3000, 9000],
    });
    expect(result.totalLength).toBe(26_000);
    expect(result.brackets).toEqual([
      {
        bracket: 0,
        rungs: [
          { length: 1000, trials: 12 },
          { length: 3000, trials: 4 },
          { length: 9000, trials: 1 },
        ],
      },
    ]);
  });

  it("gives the --json shape of the design", () => {
    const json = previewJson(previewSearch(asha));
    expect(Object.keys(json)).toEqual(["trials", "totalLength"]);
    expect(Object.keys(json.trials[0]!)).toEqual(["requestId", "hparams", "lengths"]);
  });

  it("prints trials and lengths per rung and the total in the config's unit", () => {
    expect(formatPreview(asha, previewSearch(asha))).toBe(
      [
        "async_halving: 12 trials",
        "  rung 1: 12 trials train to 1,000 batches",
        "  rung 2: 4 trials train to 3,000 batches",
        "  rung 3: 1 trial trains to 9,000 batches",
        "total: 26,000 batches trained",
        "",
      ].join("\n"),
    );
  });

  it("prints adaptive ASHA bracket by bracket", () => {
    const config = experimentConfig(
      adaptiveAsha({
        max_length: { unit: "epochs", value: 900 },
        max_trials: 5,
        max_rungs: 2,
        divisor: 3,
      }),
    );
    expect(formatPreview(config, previewSearch(config))).toBe(
      [
        "adaptive_asha: 5 trials in 2 brackets",
        "  bracket 1 (2 rungs, 3 trials):",
        "    rung 1: 3 trials train to 300 epochs",
        "    rung 2: 1 trial trains to 900 epochs",
        "  bracket 2 (1 rung, 2 trials):",
        "    2 trials train to 900 epochs",
        "total: 3,300 epochs trained",
        "",
      ].join("\n"),
    );
  });

  it("gives the same plan for the same seed and other hyperparameters for another seed", () => {
    const config = experimentConfig(random({ max_trials: 4 }));
    expect(previewSearch(config, { seed: 5 })).toEqual(previewSearch(config, { seed: 5 }));
    expect(previewSearch(config, { seed: 5 }).trials[0]!.hparams).not.toEqual(
      previewSearch(config, { seed: 6 }).trials[0]!.hparams,
    );
    expect(previewSearch(config)).toEqual(previewSearch(config, { seed: 42 }));
  });

  it("ranks trials by a seeded random metric when asked", () => {
    const config = experimentConfig(adaptiveAsha({ max_length: batches(6400), max_trials: 64 }));
    const a = previewSearch(config, { metric: "random", seed: 1 });
    expect(previewSearch(config, { metric: "random", seed: 1 })).toEqual(a);
    const constant = previewSearch(config, { seed: 1 });
    expect(a.trials.map((t) => t.lengths)).not.toEqual(constant.trials.map((t) => t.lengths));
  });
});
