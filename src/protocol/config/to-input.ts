/**
 * The inverse of parsing: a normalised config written back as the document a
 * user would write, every default spelled out. `parseExperimentConfig` of the
 * result gives back an equal config, so this is what to show as "the effective
 * config" or to store next to an experiment.
 */
import type { ExperimentConfig, HyperparameterSpec, Length, SearcherConfig } from "./types.js";

export function lengthToInput(length: Length): number | Record<string, number> {
  return length.unit === "unitless" ? length.value : { [length.unit]: length.value };
}

/**
 * Specs are written in their explicit form (`{type: const, val}`), nested
 * groups as plain mappings, so nothing depends on how a bare value would be read.
 */
export function hyperparameterToInput(spec: HyperparameterSpec): unknown {
  if (spec.type !== "object") return { ...spec };
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(spec.fields)) out[name] = hyperparameterToInput(field);
  return out;
}

function searcherToInput(searcher: SearcherConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ...searcher,
    max_length: lengthToInput(searcher.max_length),
  };
  if (searcher.name === "pbt") out.length_per_round = lengthToInput(searcher.length_per_round);
  return out;
}

export function experimentConfigToInput(config: ExperimentConfig): Record<string, unknown> {
  const hyperparameters: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(config.hyperparameters)) {
    hyperparameters[name] = hyperparameterToInput(spec);
  }
  return {
    name: config.name,
    description: config.description,
    entrypoint: config.entrypoint,
    hyperparameters,
    searcher: searcherToInput(config.searcher),
    records_per_epoch: config.records_per_epoch,
    min_validation_period:
      config.min_validation_period === null ? null : lengthToInput(config.min_validation_period),
    min_checkpoint_period:
      config.min_checkpoint_period === null ? null : lengthToInput(config.min_checkpoint_period),
    scheduling_unit: config.scheduling_unit,
    max_restarts: config.max_restarts,
    ...(config.max_initial_failures === undefined
      ? {}
      : { max_initial_failures: config.max_initial_failures }),
    preemption_timeout: config.preemption_timeout,
    checkpoint_policy: config.checkpoint_policy,
    checkpoint_storage: { ...config.checkpoint_storage },
    resources: { ...config.resources },
    reproducibility: { ...config.reproducibility },
    environment: { variables: { ...config.environment.variables } },
  };
}
