/**
 * What every conformance test gets: a store on a database that may already
 * hold other tests' rows (PostgreSQL runs share one database), so tests
 * create their own users, experiments and trials and only look at those.
 */
import { randomUUID } from "node:crypto";
import type { ExperimentRow, Store, TrialRow, UserRow } from "../../../src/master/storage/store.js";
import type { ExperimentConfig, HParams } from "../../../src/protocol/config/types.js";

export interface StoreFixture {
  store: Store;
  /** The URL the store was opened from, so a test can open the database again. */
  url: string;
  /** Closes the store (if still open) and removes what the fixture created. */
  cleanup(): Promise<void>;
}

export interface ConformanceContext {
  readonly store: Store;
  readonly fixture: StoreFixture;
}

export function unique(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

export function sampleConfig(overrides: Partial<ExperimentConfig> = {}): ExperimentConfig {
  return {
    name: "mnist-asha",
    description: "",
    entrypoint: "node train.js",
    hyperparameters: {
      global_batch_size: { type: "const", val: 64 },
      lr: { type: "log", minval: -4, maxval: -1, base: 10 },
      model: {
        type: "object",
        fields: { depth: { type: "int", minval: 1, maxval: 3 } },
      },
    },
    searcher: {
      name: "adaptive_asha",
      metric: "validation_loss",
      smaller_is_better: true,
      max_length: { unit: "batches", value: 1000 },
      mode: "standard",
      divisor: 4,
      max_rungs: 5,
      bracket_rungs: null,
      max_trials: 16,
      max_concurrent_trials: 4,
      stop_once: false,
    },
    records_per_epoch: null,
    global_batch_size: 64,
    min_validation_period: { unit: "batches", value: 100 },
    min_checkpoint_period: null,
    scheduling_unit: 100,
    max_restarts: 5,
    preemption_timeout: 30,
    checkpoint_policy: "best",
    checkpoint_storage: {
      type: "shared_fs",
      host_path: null,
      save_experiment_best: 0,
      save_trial_best: 1,
      save_trial_latest: 1,
    },
    resources: { slots_per_trial: 1, priority: 50, weight: 1 },
    reproducibility: { experiment_seed: 42 },
    environment: { variables: {} },
    ...overrides,
  };
}

export function newUser(store: Store, admin = false): Promise<UserRow> {
  return store.createUser({ username: unique("user"), passwordHash: null, admin });
}

export async function newExperiment(store: Store, owner?: UserRow): Promise<ExperimentRow> {
  const user = owner ?? (await newUser(store));
  return store.createExperiment({
    name: unique("exp"),
    config: sampleConfig(),
    configYaml: null,
    workdir: "/tmp/work",
    ownerId: user.id,
  });
}

export function newTrial(
  store: Store,
  experiment: ExperimentRow,
  requestId = 1,
  hparams: HParams = { lr: 0.01 },
): Promise<TrialRow> {
  return store.createTrial({
    experimentId: experiment.id,
    requestId,
    hparams,
    trialSeed: 1000 + requestId,
  });
}

/** Runs `fn`, expecting it to reject; returns the error. */
export async function rejection(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}
