import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ExperimentConfig } from "../../src/protocol/config/types.js";
import { nextFloat, seedRng } from "../../src/searcher/rng.js";
import { simulate } from "../../src/searcher/simulate.js";
import { snapshotSearcher } from "../../src/searcher/snapshot.js";
import { adaptiveAsha, asyncHalving, batches, experimentConfig } from "./support/config.js";

/**
 * The fingerprint of a whole run: every op and the snapshot after every event,
 * hashed. The expected values were recorded before samplers existed, so an
 * ASHA search without `sampler` (or with `sampler: random`) is the search it
 * always was, bit for bit, snapshots included. The stopping one was recorded
 * again when a tie with a rung's best came to continue: the plan its progress
 * is measured against (in the snapshot) grew; its operations did not change.
 * Snapshots are hashed without `validated`, which they gained later (for
 * `max_initial_failures`); it is checked on its own.
 */
function fingerprint(config: ExperimentConfig): string {
  const metric = seedRng(3, 1);
  const hash = createHash("sha256");
  let validations = 0;
  simulate(config, {
    report: () => nextFloat(metric),
    afterEvent(state, event, ops) {
      hash.update(JSON.stringify(event));
      hash.update(JSON.stringify(ops));
      if (event.type === "validationCompleted") validations++;
      const { validated, ...rest } = state;
      expect(validated).toBe(validations > 0);
      hash.update(snapshotSearcher(rest as typeof state));
      return undefined;
    },
  });
  return hash.digest("hex").slice(0, 16);
}

describe("ASHA with the default sampler", () => {
  const adaptive = adaptiveAsha({
    max_length: batches(6400),
    max_trials: 40,
    max_concurrent_trials: 5,
  });
  const stopping = asyncHalving({ max_length: batches(900), max_trials: 20, stop_once: true });

  it("runs adaptive ASHA exactly as before samplers existed", () => {
    expect(fingerprint(experimentConfig(adaptive))).toBe("2aa93ca53e4314ab");
  });

  it("runs async_halving by stopping exactly as before samplers existed", () => {
    expect(fingerprint(experimentConfig(stopping))).toBe("2959aa4885577a5a");
  });

  it("runs async_halving by promoting exactly as before samplers existed", () => {
    const promoting = asyncHalving({
      max_length: batches(900),
      max_trials: 20,
      max_concurrent_trials: 4,
    });
    expect(fingerprint(experimentConfig(promoting))).toBe("77c6c3fd9816efcf");
  });

  it("is the same search when sampler: random is spelled out", () => {
    expect(fingerprint(experimentConfig({ ...adaptive, sampler: "random" }))).toBe(
      "2aa93ca53e4314ab",
    );
  });

  it("differs with sampler: tpe (the fingerprint sees the sampling)", () => {
    const tpe = {
      ...adaptive,
      sampler: "tpe",
      n_startup_trials: 10,
      gamma: 0.1,
      n_ei_candidates: 24,
    } as const;
    expect(fingerprint(experimentConfig(tpe))).not.toBe("2aa93ca53e4314ab");
  });
});
