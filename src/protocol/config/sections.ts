/**
 * The small top-level sections: `checkpoint_storage`, `resources`,
 * `reproducibility` and `environment`. Each is optional as a whole and field
 * by field; a missing section is all defaults.
 */
import { childPath, describeValue, type ErrorList } from "./errors.js";
import {
  finiteNumber,
  getField,
  integer,
  type Mapping,
  nonEmptyString,
  oneOf,
  optional,
  readMapping,
  rejectUnknownFields,
} from "./fields.js";
import { MAX_SLOTS } from "./limits.js";
import { parseSlurmResources } from "./slurm-resources.js";
import type { CheckpointStorageConfig, ResourcesConfig } from "./types.js";

/** Reads an optional section: absent or null is `{}` (all defaults). */
function section(value: unknown, path: string, errors: ErrorList): Mapping {
  if (value === undefined || value === null) return {};
  return readMapping(value, path, errors) ?? {};
}

const atLeastZero = integer({ min: 0 });

export function parseCheckpointStorage(
  value: unknown,
  path: string,
  errors: ErrorList,
): CheckpointStorageConfig {
  const m = section(value, path, errors);
  rejectUnknownFields(
    m,
    path,
    ["type", "host_path", "save_experiment_best", "save_trial_best", "save_trial_latest"],
    errors,
  );
  return {
    type: optional(m, "type", path, oneOf(["shared_fs"]), errors, "shared_fs"),
    host_path: optional(m, "host_path", path, nonEmptyString, errors, null),
    save_experiment_best: optional(m, "save_experiment_best", path, atLeastZero, errors, 0),
    save_trial_best: optional(m, "save_trial_best", path, atLeastZero, errors, 1),
    save_trial_latest: optional(m, "save_trial_latest", path, atLeastZero, errors, 1),
  };
}

export function parseResources(value: unknown, path: string, errors: ErrorList): ResourcesConfig {
  const m = section(value, path, errors);
  rejectUnknownFields(
    m,
    path,
    ["resource_pool", "slots_per_trial", "max_slots", "priority", "weight", "slurm"],
    errors,
  );
  const slurm = parseSlurmResources(getField(m, "slurm"), childPath(path, "slurm"), errors);
  // Which pools exist only the master knows: it checks the name when it creates the experiment.
  const pool = optional(m, "resource_pool", path, nonEmptyString, errors, null);
  const slotsPerTrial = optional(
    m,
    "slots_per_trial",
    path,
    integer({ min: 1, max: MAX_SLOTS }),
    errors,
    1,
  );
  const maxSlots = optional(m, "max_slots", path, integer({ min: 1 }), errors, null);
  if (maxSlots !== null && maxSlots < slotsPerTrial) {
    errors.add(
      childPath(path, "max_slots"),
      `must be at least resources.slots_per_trial (${slotsPerTrial}), or no trial could run, got ${maxSlots}`,
    );
  }
  return {
    ...(pool === null ? {} : { resource_pool: pool }),
    slots_per_trial: slotsPerTrial,
    ...(maxSlots === null ? {} : { max_slots: maxSlots }),
    priority: optional(m, "priority", path, integer({ min: 1, max: 99 }), errors, 50),
    weight: optional(m, "weight", path, finiteNumber({ gt: 0 }), errors, 1),
    ...(slurm ? { slurm } : {}),
  };
}

/** Seeds are 32-bit: the searcher's generator is seeded from one word. */
const MAX_SEED = 0xffff_ffff;

/** What `reproducibility.experiment_seed` takes; `pushtune preview --seed` checks the same. */
export const EXPERIMENT_SEED = integer({ min: 0, max: MAX_SEED });

export function parseReproducibility(
  value: unknown,
  path: string,
  errors: ErrorList,
  defaultSeed: number,
): { experiment_seed: number } {
  const m = section(value, path, errors);
  rejectUnknownFields(m, path, ["experiment_seed"], errors);
  return {
    experiment_seed: optional(m, "experiment_seed", path, EXPERIMENT_SEED, errors, defaultSeed),
  };
}

/** Environment variable names as POSIX shells accept them. */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `environment.variables`: a mapping of name to value. Numbers and booleans are
 * accepted and turned into strings (`PORT: 8080`), as a shell would see them.
 */
export function parseEnvironment(
  value: unknown,
  path: string,
  errors: ErrorList,
): { variables: Record<string, string> } {
  const m = section(value, path, errors);
  rejectUnknownFields(m, path, ["variables"], errors, (key) =>
    key === "environment_variables" ? `unknown field; did you mean "variables"?` : undefined,
  );
  const variablesPath = childPath(path, "variables");
  const raw = section(getField(m, "variables"), variablesPath, errors);
  const variables: Record<string, string> = {};
  for (const name of Object.keys(raw)) {
    const namePath = childPath(variablesPath, name);
    if (!VARIABLE_NAME.test(name) || name === "__proto__") {
      errors.add(
        namePath,
        `must be named with letters, digits and _ (not starting with a digit, not __proto__), got ${describeValue(name)}`,
      );
      continue;
    }
    const v = raw[name];
    if (typeof v === "string") {
      variables[name] = v;
    } else if ((typeof v === "number" && Number.isFinite(v)) || typeof v === "boolean") {
      variables[name] = String(v);
    } else {
      errors.add(namePath, `must be a string, number or boolean, got ${describeValue(v)}`);
    }
  }
  return { variables };
}
