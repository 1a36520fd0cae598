import { describe, expect, it } from "vitest";
import {
  MAX_GOOD_RESULTS,
  optunaGoodSize,
  splitResults,
  type TpeRung,
} from "../../src/searcher/tpe-split.js";

const rung = (length: number, results: [number, number][]): TpeRung => ({ length, results });

describe("TPE's split of results into good and bad", () => {
  it("takes the best ceil(gamma * n) by metric, ties to the older trial, each set oldest first", () => {
    const rungs = [
      rung(100, [
        [1, 0.5],
        [2, 0.1],
        [3, 0.3],
        [4, 0.1],
        [5, 0.9],
      ]),
    ];
    expect(splitResults(rungs, 100, optunaGoodSize(0.5), 5)).toEqual({
      good: [2, 3, 4],
      bad: [1, 5],
    });
    expect(splitResults(rungs, 100, optunaGoodSize(0.2), 5)).toEqual({
      good: [2],
      bad: [1, 3, 4, 5],
    });
  });

  it("ranks trials stopped below the modelled length after those that reached it, the furthest first", () => {
    const rungs = [
      rung(100, [
        [1, 0.1],
        [2, 0.2],
        [3, 0.05],
        [4, 0.3],
      ]),
      rung(300, [
        [2, 0.6],
        [4, 0.4],
        [1, 0.01],
      ]),
      rung(900, [[4, 0.7]]),
    ];
    // Modelled at 300: 1 (0.01), 4 (0.4 at 300, its first rung >= 300), 2 (0.6), then 3 (stopped at 100).
    expect(splitResults(rungs, 300, optunaGoodSize(0.5), 4)).toEqual({ good: [1, 4], bad: [2, 3] });
    expect(splitResults(rungs, 300, optunaGoodSize(0.75), 4)).toEqual({
      good: [1, 2, 4],
      bad: [3],
    });
    // Modelled at 900: 4 reached it; of the others 1 and 2 got to 300 (1 better), 3 stopped at 100.
    expect(splitResults(rungs, 900, optunaGoodSize(0.5), 4)).toEqual({ good: [1, 4], bad: [2, 3] });
    // 2 got further than 3, so it ranks before it although 3's metric is better.
    expect(splitResults(rungs, 900, optunaGoodSize(0.75), 4)).toEqual({
      good: [1, 2, 4],
      bad: [3],
    });
  });

  it("caps the good set at 25 and leaves trials without a result out of both sets", () => {
    const results: [number, number][] = [];
    for (let id = 1; id <= 300; id += 1) if (id % 3 !== 0) results.push([id, -id]);
    const { good, bad } = splitResults([rung(10, results)], 10, optunaGoodSize(0.5), 300);
    expect(good).toHaveLength(MAX_GOOD_RESULTS);
    expect(good[0]).toBe(oldestOfBest(results));
    expect(good.length + bad.length).toBe(results.length);
    expect([...good, ...bad].some((id) => id % 3 === 0)).toBe(false);
  });
});

/** The oldest of the 25 best (smallest metric) results. */
function oldestOfBest(results: [number, number][]): number {
  const best = [...results].sort((a, b) => a[1] - b[1]).slice(0, MAX_GOOD_RESULTS);
  return Math.min(...best.map(([id]) => id));
}
