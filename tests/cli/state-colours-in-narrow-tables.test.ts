import { describe, expect, it } from "vitest";
import { experimentTable } from "../../src/cli/format/experiments.js";
import { ANSI_STYLE, NO_STYLE, stripAnsi } from "../../src/cli/format/style.js";
import { trialTable } from "../../src/cli/format/trials.js";
import type { ExperimentSummary, TrialSummary } from "../../src/protocol/api/resources.js";

const experiment = (id: number, state: string): ExperimentSummary =>
  ({
    id,
    name: `experiment number ${id}`,
    state,
    owner: { id: 1, username: "admin" },
    searcher: "async_halving",
    metric: "validation_loss",
    progress: 0.5,
    trialCounts: { COMPLETED: 1, ACTIVE: 1 },
    bestMetric: 0.25,
    createdAt: "2026-01-01T00:00:00Z",
  }) as unknown as ExperimentSummary;

const trial = (id: number, state: string, running: boolean): TrialSummary =>
  ({
    id,
    state,
    running,
    ignoringPreemptionSeconds: null,
    bestValidation: 0.5,
    latestValidation: 0.5,
    lengthTrained: 100,
    currentOpLength: 300,
    restarts: 0,
    hparams: { lr: id / 10 },
  }) as unknown as TrialSummary;

describe("STATE cells, coloured or not, keep the columns lined up in a narrow terminal", () => {
  const experiments = [experiment(1, "COMPLETED"), experiment(2, "STOPPING_CANCELED")];
  const trials = [trial(1, "COMPLETED", false), trial(2, "ACTIVE", true)];
  const metric = { name: "validation_loss", smallerIsBetter: true };

  it.each([20, 30, 40, 200])("experiment list at %i columns", (width) => {
    const plain = experimentTable(experiments, width, NO_STYLE);
    // Every row ends in the same column (the last one is right-aligned or of equal widths).
    expect(new Set(plain.slice(1).map((l) => l.length)).size).toBe(1);
    const coloured = experimentTable(experiments, width, ANSI_STYLE);
    expect(coloured.map(stripAnsi)).toEqual(plain);
    expect(coloured.join("\n")).toContain("\u001b[32m");
  });

  it.each([20, 30, 40, 200])("trial list at %i columns", (width) => {
    const plain = trialTable(trials, metric, {}, width, NO_STYLE);
    // HPARAMS, the last column, starts in the same place on every row.
    expect(new Set(plain.slice(1).map((l) => l.indexOf("lr="))).size).toBe(1);
    const coloured = trialTable(trials, metric, {}, width, ANSI_STYLE);
    expect(coloured.map(stripAnsi)).toEqual(plain);
  });

  it("a cut state is coloured as the whole state would be", () => {
    const lines = experimentTable([experiment(1, "COMPLETED")], 20, ANSI_STYLE);
    expect(stripAnsi(lines[1]!)).toContain(" CO… ");
    expect(lines[1]).toContain("\u001b[32mCO…\u001b[39m");
  });
});
