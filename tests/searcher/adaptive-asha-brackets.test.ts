import { describe, expect, it } from "vitest";
import {
  adaptiveBracketRungs,
  bracketMaxConcurrentTrials,
  bracketMaxTrials,
  floorLog,
  modeBracketRungs,
} from "../../src/searcher/adaptive-brackets.js";
import { adaptiveAsha } from "./support/config.js";

describe("adaptive ASHA brackets", () => {
  it.each([
    { trials: 20, divisor: 3, rungs: [3, 2, 1], expected: [12, 5, 3] },
    { trials: 50, divisor: 3, rungs: [4, 3], expected: [35, 15] },
    { trials: 50, divisor: 4, rungs: [3, 2], expected: [37, 13] },
    { trials: 100, divisor: 4, rungs: [4, 3, 2], expected: [70, 22, 8] },
  ])("splits $trials trials with divisor $divisor over brackets $rungs as $expected", (c) => {
    expect(bracketMaxTrials(c.trials, c.divisor, c.rungs)).toEqual(c.expected);
  });

  it.each([
    { concurrent: 0, trials: [9, 3, 1], expected: [3, 3, 3] },
    { concurrent: 11, trials: [9, 3, 1], expected: [4, 4, 3] },
    { concurrent: 0, trials: [40, 10], expected: [10, 10] },
  ])(
    "splits max_concurrent_trials $concurrent over brackets of $trials trials as $expected",
    (c) => {
      expect(bracketMaxConcurrentTrials(c.concurrent, 3, c.trials)).toEqual(c.expected);
    },
  );

  it("gives every bracket at least one concurrent trial", () => {
    expect(bracketMaxConcurrentTrials(2, 3, [9, 3, 1])).toEqual([1, 1, 1]);
  });

  it("builds brackets by mode: aggressive one, standard the upper half, conservative all", () => {
    expect(modeBracketRungs("aggressive", 5)).toEqual([5]);
    expect(modeBracketRungs("standard", 5)).toEqual([3, 4, 5]);
    expect(modeBracketRungs("standard", 2)).toEqual([1, 2]);
    expect(modeBracketRungs("conservative", 3)).toEqual([1, 2, 3]);
  });

  it("caps the rungs by max_rungs, log_d(max_length)+1 and log_d(max_trials)+1, most rungs first", () => {
    const config = adaptiveAsha({ divisor: 3, max_rungs: 2, max_trials: 5, mode: "standard" });
    expect(adaptiveBracketRungs(config, 900)).toEqual([2, 1]);
    const many = adaptiveAsha({ divisor: 4, max_rungs: 5, max_trials: 100, mode: "conservative" });
    expect(adaptiveBracketRungs(many, 100_000)).toEqual([4, 3, 2, 1]);
    const short = adaptiveAsha({
      divisor: 4,
      max_rungs: 5,
      max_trials: 10_000,
      mode: "aggressive",
    });
    expect(adaptiveBracketRungs(short, 64)).toEqual([4]);
  });

  it("uses bracket_rungs when given, most rungs first", () => {
    const config = adaptiveAsha({ bracket_rungs: [2, 4, 3] });
    expect(adaptiveBracketRungs(config, 1000)).toEqual([4, 3, 2]);
  });

  it("takes logarithms exactly at powers of the divisor", () => {
    expect(floorLog(1000, 10)).toBe(3);
    expect(floorLog(999, 10)).toBe(2);
    expect(floorLog(243, 3)).toBe(5);
    expect(floorLog(1, 4)).toBe(0);
  });
});
