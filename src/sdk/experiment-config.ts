/**
 * The experiment config as the SDK sees it: the master hands over the normalised
 * config (PUSHTUNE_EXPERIMENT_CONFIG); off the master (dry runs, `FakeMaster`)
 * the SDK builds one from defaults and a few overrides.
 */
import type {
  ExperimentConfig,
  Length,
  LengthUnit,
  SearcherConfig,
} from "../protocol/config/types.js";

/** What a trial may want to set for a local run; everything else keeps its default. */
export type ConfigOverrides = Partial<Omit<ExperimentConfig, "searcher">> & {
  searcher?: Partial<Pick<SearcherConfig, "metric" | "smaller_is_better" | "max_length">>;
};

export function localExperimentConfig(overrides: ConfigOverrides = {}): ExperimentConfig {
  const { searcher, ...rest } = overrides;
  return {
    name: "local",
    description: "",
    entrypoint: "node train.js",
    hyperparameters: {},
    records_per_epoch: null,
    global_batch_size: null,
    min_validation_period: null,
    min_checkpoint_period: null,
    scheduling_unit: 100,
    max_restarts: 5,
    preemption_timeout: 60,
    checkpoint_policy: "best",
    checkpoint_storage: {
      type: "shared_fs",
      host_path: null,
      save_experiment_best: 0,
      save_trial_best: 1,
      save_trial_latest: 1,
    },
    resources: { slots_per_trial: 1, priority: 50, weight: 1 },
    reproducibility: { experiment_seed: 0 },
    environment: { variables: {} },
    ...rest,
    searcher: {
      name: "single",
      metric: "validation_loss",
      smaller_is_better: true,
      max_length: { unit: "batches", value: 100 },
      ...searcher,
    },
  };
}

/**
 * Reads PUSHTUNE_EXPERIMENT_CONFIG. The master validated and normalised it; this
 * only checks the fields the SDK relies on, so a mismatch fails loudly here.
 */
export function parseExperimentConfig(json: string): ExperimentConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new Error(`PUSHTUNE_EXPERIMENT_CONFIG is not JSON: ${(error as Error).message}`);
  }
  if (!isObject(raw) || !isObject(raw.searcher)) {
    throw new Error("PUSHTUNE_EXPERIMENT_CONFIG: expected an experiment config with a searcher");
  }
  const problems: string[] = [];
  const s = raw.searcher;
  if (typeof s.metric !== "string") problems.push("searcher.metric: expected a string");
  if (typeof s.smaller_is_better !== "boolean") {
    problems.push("searcher.smaller_is_better: expected a boolean");
  }
  if (!isLength(s.max_length)) problems.push("searcher.max_length: expected {unit, value}");
  for (const field of ["min_validation_period", "min_checkpoint_period"] as const) {
    const value = raw[field];
    if (value !== undefined && value !== null && !isLength(value)) {
      problems.push(`${field}: expected {unit, value} or null`);
    }
  }
  for (const field of ["records_per_epoch", "global_batch_size"] as const) {
    const value = raw[field];
    if (value !== undefined && value !== null && !isPositive(value)) {
      problems.push(`${field}: expected a number > 0 or null`);
    }
  }
  if (raw.scheduling_unit !== undefined && !isPositive(raw.scheduling_unit)) {
    problems.push("scheduling_unit: expected a number > 0");
  }
  const policy = raw.checkpoint_policy;
  if (policy !== undefined && policy !== "best" && policy !== "all" && policy !== "none") {
    problems.push('checkpoint_policy: expected "best", "all" or "none"');
  }
  if (problems.length > 0) {
    throw new Error(`PUSHTUNE_EXPERIMENT_CONFIG: ${problems.join("; ")}`);
  }
  // Checked above: every field the SDK reads; the rest is the master's business.
  return { ...localExperimentConfig(), ...(raw as Partial<ExperimentConfig>) };
}

const UNITS: ReadonlySet<string> = new Set<LengthUnit>([
  "batches",
  "records",
  "epochs",
  "unitless",
]);

function isLength(x: unknown): x is Length {
  return isObject(x) && typeof x.unit === "string" && UNITS.has(x.unit) && isPositive(x.value);
}

function isPositive(x: unknown): x is number {
  return typeof x === "number" && Number.isFinite(x) && x > 0;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}
