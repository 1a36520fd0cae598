/**
 * `experiment describe` says how an ASHA search samples new trials, so two
 * searches that differ only by `sampler` (TPE against random) are told
 * apart; a search sampling at random says nothing more, as before samplers.
 */
import { describe, expect, it } from "vitest";
import { describeExperiment } from "../../src/cli/format/experiments.js";
import type { ExperimentDetail } from "../../src/protocol/api/resources.js";
import { minimal, parsed } from "../protocol/support/parsed.js";

function searcherLine(searcher: Record<string, unknown>): string {
  const config = parsed(
    minimal({ name: "adaptive_asha", max_length: { batches: 27 }, max_trials: 9, ...searcher }),
  );
  const e = {
    id: 1,
    name: "e",
    state: "ACTIVE",
    owner: { id: 1, username: "admin" },
    searcher: config.searcher.name,
    metric: "loss",
    smallerIsBetter: true,
    progress: 0,
    bestMetric: null,
    trialCounts: {},
    createdAt: "2026-01-01T00:00:00.000Z",
    endedAt: null,
    endReason: null,
    config: JSON.parse(JSON.stringify(config)),
    workdir: "/w",
    etaSeconds: null,
  } as unknown as ExperimentDetail;
  return describeExperiment(e).find((l) => l.startsWith("searcher"))!;
}

describe("the searcher of an ASHA search in experiment describe", () => {
  it("names the TPE sampler", () => {
    expect(searcherLine({ sampler: "tpe" })).toMatch(
      /^searcher +adaptive_asha with sampler tpe on loss \(smaller is better\)$/,
    );
  });

  it("is the method alone when it samples at random", () => {
    expect(searcherLine({})).toMatch(/^searcher +adaptive_asha on loss \(smaller is better\)$/);
    expect(searcherLine({ sampler: "random" })).toMatch(/^searcher +adaptive_asha on loss/);
  });
});
