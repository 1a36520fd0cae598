import { describe, expect, it } from "vitest";
import { ashaBracketOf } from "../../src/searcher/asha-search.js";
import { peakBusy } from "./support/busy.js";
import { adaptiveAsha, batches, experimentConfig } from "./support/config.js";
import { expectPlan, runTable } from "./support/simulation.js";

const fiveTrials = (fields: Parameters<typeof adaptiveAsha>[0] = {}) =>
  experimentConfig(
    adaptiveAsha({
      max_length: batches(900),
      max_trials: 5,
      mode: "standard",
      max_rungs: 2,
      divisor: 3,
      max_concurrent_trials: 5,
      ...fields,
    }),
  );

describe("adaptive_asha", () => {
  it("runs brackets of 2 and 1 rungs with 3 and 2 trials (metrics 0.1…0.5 in creation order)", () => {
    const run = expectPlan(fiveTrials(), (id) => id / 10, {
      "1": "300 900",
      "2-3": "300",
      "4-5": "900",
    });
    const method = run.state.method;
    if (method.kind !== "asha") throw new Error("expected an ASHA search");
    expect([1, 2, 3, 4, 5].map((id) => ashaBracketOf(method, id))).toEqual([0, 0, 0, 1, 1]);
  });

  it("gives the same plan with unitless lengths and with larger metrics better", () => {
    expectPlan(
      fiveTrials({ max_length: { unit: "unitless", value: 900 }, smaller_is_better: false }),
      (id) => 0.6 - id / 10,
      { "1": "300 900", "2-3": "300", "4-5": "900" },
    );
  });

  it("still promotes the best trial when another trial of its bracket exits early", () => {
    expectPlan(fiveTrials(), (id) => (id === 2 ? { exit: "ERRORED" } : id / 10), {
      "1": "300 900",
      "2": "exit",
      "3": "300",
      "4-5": "900",
    });
  });

  it("numbers trials across brackets in creation order", () => {
    const run = expectPlan(fiveTrials({ max_concurrent_trials: 0 }), (id) => id / 10, {
      "1": "300 900",
      "2-3": "300",
      "4-5": "900",
    });
    const created = run.ops.flat().flatMap((op) => (op.type === "create" ? [op.requestId] : []));
    expect(created).toEqual([1, 2, 3, 4, 5]);
  });

  it("keeps no more trials busy than max_concurrent_trials, even with fewer slots than brackets", () => {
    const config = experimentConfig(
      adaptiveAsha({
        max_length: batches(1000),
        max_trials: 20,
        divisor: 3,
        mode: "conservative",
        max_rungs: 3,
        max_concurrent_trials: 2,
      }),
    );
    const run = runTable(config, (id) => id);
    const method = run.state.method;
    if (method.kind !== "asha") throw new Error("expected an ASHA search");
    const perBracket = [0, 0, 0];
    for (const trial of run.trials) perBracket[ashaBracketOf(method, trial.requestId)]!++;
    expect(perBracket).toEqual([12, 5, 3]);
    expect(peakBusy(run.events, run.ops)).toBe(2);
  });
});
