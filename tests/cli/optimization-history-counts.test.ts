/**
 * `experiment describe` counts the optimization history's improvements and
 * validations in words that agree with the numbers: "1 improvement over 1
 * validation" for a one-trial experiment such as a continued trial's.
 */
import { describe, expect, it } from "vitest";
import { describeSummary } from "../../src/cli/format/experiment-summary.js";
import { optimizationHistory } from "../../src/protocol/analysis/optimization-history.js";

function summaryLine(values: number[]): string {
  const history = optimizationHistory(
    {
      trialIds: values.map((_, i) => i + 1),
      steps: values.map(() => 10),
      values,
      times: values.map((_, i) => 1_000 + i),
    },
    true,
  );
  const lines = describeSummary(
    { trials: [], bestTrial: null, rungs: null, history, specs: {} },
    "loss",
    80,
  );
  return lines.find((l) => l.includes(" over "))!;
}

describe("the optimization history's counts in experiment describe", () => {
  it("are singular for one improvement over one validation", () => {
    expect(summaryLine([0.5])).toMatch(/; 1 improvement over 1 validation$/);
  });

  it("are plural for more, with thousands grouped", () => {
    expect(summaryLine([0.5, 0.4, 0.6])).toMatch(/; 2 improvements over 3 validations$/);
    const many = Array.from({ length: 1200 }, (_, i) => 1 + (i % 7));
    expect(summaryLine(many)).toMatch(/; 1 improvement over 1,200 validations$/);
  });
});
