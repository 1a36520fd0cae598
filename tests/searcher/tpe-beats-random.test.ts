import { describe, expect, it } from "vitest";
import type {
  HParams,
  HyperparameterSpec,
  SearcherConfig,
} from "../../src/protocol/config/types.js";
import { simulate } from "../../src/searcher/simulate.js";
import { experimentConfig, random, tpe } from "./support/config.js";

/**
 * A quadratic bowl in three dimensions (two doubles and an int), its minimum
 * 0 away from the centre of the space. Seeded, so the outcome is fixed: this
 * measures search quality, not time.
 */
const space: Record<string, HyperparameterSpec> = {
  x: { type: "double", minval: -5, maxval: 5 },
  y: { type: "double", minval: -5, maxval: 5 },
  z: { type: "int", minval: -10, maxval: 10 },
};
const bowl = (h: HParams) =>
  ((h.x as number) - 1.5) ** 2 + ((h.y as number) + 2) ** 2 + (((h.z as number) - 3) / 2) ** 2;

function bestOf(searcher: SearcherConfig, seed: number): number {
  let best = Number.POSITIVE_INFINITY;
  simulate(experimentConfig(searcher, { hyperparameters: space, seed }), {
    report: ({ hparams }) => {
      const loss = bowl(hparams);
      best = Math.min(best, loss);
      return loss;
    },
  });
  return best;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

describe("tpe against random search on a quadratic bowl", () => {
  const seeds = Array.from({ length: 15 }, (_, i) => i + 1);
  const budget = { max_trials: 60, max_concurrent_trials: 1 };
  const tpeBest = seeds.map((seed) => bestOf(tpe(budget), seed));
  const randomBest = seeds.map((seed) => bestOf(random(budget), seed));

  it("finds a better median best over 15 seeds with 60 trials each", () => {
    expect(median(tpeBest)).toBeLessThan(median(randomBest) / 2);
  });

  it("does better than random search for most seeds", () => {
    const wins = seeds.filter((_, i) => tpeBest[i]! < randomBest[i]!).length;
    expect(wins).toBeGreaterThanOrEqual(10);
  });
});
