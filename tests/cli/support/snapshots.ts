/** Experiments and trials in the API's shapes, for rendering tests that need no master. */
import type { ExperimentDetail, TrialSummary } from "../../../src/protocol/api/resources.js";
import { parseExperimentConfig } from "../../../src/protocol/config/index.js";
import type { ExperimentConfig } from "../../../src/protocol/config/types.js";

export function ashaConfig(searcher: Record<string, unknown> = {}): ExperimentConfig {
  const result = parseExperimentConfig({
    entrypoint: "node train.js",
    hyperparameters: { lr: { type: "log", minval: -4, maxval: -1 }, layers: 2 },
    searcher: {
      name: "async_halving",
      metric: "validation_loss",
      max_length: { batches: 9000 },
      num_rungs: 3,
      divisor: 3,
      max_trials: 12,
      ...searcher,
    },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

export function randomConfig(): ExperimentConfig {
  const result = parseExperimentConfig({
    entrypoint: "node train.js",
    hyperparameters: { lr: { type: "log", minval: -4, maxval: -1 } },
    searcher: { name: "random", metric: "loss", max_length: 100, max_trials: 4 },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

export function experiment(overrides: Partial<ExperimentDetail> = {}): ExperimentDetail {
  const config = ashaConfig();
  return {
    id: 7,
    name: "asha-example",
    state: "ACTIVE",
    owner: { id: 1, username: "admin" },
    searcher: "async_halving",
    metric: "validation_loss",
    smallerIsBetter: true,
    progress: 0.42,
    bestMetric: 0.1234,
    trialCounts: { ACTIVE: 5, COMPLETED: 7 },
    createdAt: "2026-01-01T10:00:00.000Z",
    endedAt: null,
    endReason: null,
    config,
    configYaml: null,
    variablesRedacted: false,
    workdir: "/work/exp",
    etaSeconds: 80,
    ...overrides,
  };
}

let nextId = 1;

export function trial(overrides: Partial<TrialSummary> = {}): TrialSummary {
  const id = overrides.id ?? nextId++;
  return {
    id,
    experimentId: 7,
    requestId: id,
    state: "ACTIVE",
    hparams: { lr: 0.001, layers: 2 },
    restarts: 0,
    runId: 1,
    lengthTrained: 0,
    currentOpLength: 1000,
    latestValidation: null,
    bestValidation: null,
    latestCheckpoint: null,
    parentTrialId: null,
    warmStartCheckpoint: null,
    running: false,
    queued: false,
    ignoringPreemptionSeconds: null,
    createdAt: "2026-01-01T10:00:00.000Z",
    endedAt: null,
    endReason: null,
    ...overrides,
  };
}
