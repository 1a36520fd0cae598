import { describe, expect, it } from "vitest";
import { formatPreview } from "../../src/searcher/format-preview.js";
import { previewSearch } from "../../src/searcher/preview.js";
import { asyncHalving, batches, experimentConfig, tpe } from "./support/config.js";

describe("search preview with TPE", () => {
  const config = experimentConfig(tpe({ max_trials: 12, max_length: batches(500) }));

  it("prints a tpe search as one rung of full-length trials", () => {
    expect(formatPreview(config, previewSearch(config))).toBe(
      [
        "tpe: 12 trials",
        "  12 trials train to 500 batches",
        "total: 6,000 batches trained",
        "",
      ].join("\n"),
    );
  });

  it("gives the same plan for the same seed, with a random metric too", () => {
    for (const metric of ["constant", "random"] as const) {
      expect(previewSearch(config, { seed: 3, metric })).toEqual(
        previewSearch(config, { seed: 3, metric }),
      );
    }
  });

  it("samples from the model with a random metric once n_startup_trials results are in", () => {
    const few = experimentConfig(
      tpe({ max_trials: 12, max_concurrent_trials: 1, n_startup_trials: 4 }),
    );
    const constant = previewSearch(few, { seed: 3 }).trials.map((t) => t.hparams);
    const random = previewSearch(few, { seed: 3, metric: "random" }).trials.map((t) => t.hparams);
    expect(random.slice(0, 4)).toEqual(constant.slice(0, 4));
    expect(random.slice(4)).not.toEqual(constant.slice(4));
  });

  it("previews ASHA with sampler: tpe rung by rung", () => {
    const asha = experimentConfig({
      ...asyncHalving({ max_length: batches(9000) }),
      sampler: "tpe",
      n_startup_trials: 3,
      gamma: 0.1,
      n_ei_candidates: 24,
    });
    expect(previewSearch(asha).totalLength).toBe(26_000);
  });
});
