/**
 * Experiment config parsing (DESIGN §2): unknown input in, either a fully
 * defaulted `ExperimentConfig` or every error found, each with its path.
 * Pure (no IO, no `node:*`), so the web UI validates with the master's code.
 * Never throws, whatever the input.
 */
import { jsonValueIssues } from "../json-value-issues.js";
import { childPath, describeValue, ErrorList, indexPath, type ParseResult } from "./errors.js";
import {
  anyString,
  durationSeconds,
  getField,
  integer,
  nonEmptyString,
  oneOf,
  optional,
  rejectUnknownFields,
  required,
} from "./fields.js";
import { globalBatchSize, parseHyperparameters } from "./hyperparameters.js";
import { checkLengthUnits, type LengthAt, lengthRule } from "./lengths.js";
import { checkGridSize } from "./limits.js";
import { topLevelFieldHint } from "./other-tuners.js";
import { ALL_SEARCHER_FIELDS, parseSearcher } from "./searcher-config.js";
import {
  parseCheckpointStorage,
  parseEnvironment,
  parseReproducibility,
  parseResources,
} from "./sections.js";
import type { ExperimentConfig, Length } from "./types.js";

export interface ParseOptions {
  /** The seed used when the config sets no `reproducibility.experiment_seed` (default 0). */
  defaultSeed?: number;
  /**
   * Pass over the fields this parser does not know instead of refusing them:
   * for a trial reading the config a newer master normalised, whose defaults
   * include fields added since this SDK was built.
   */
  ignoreUnknownFields?: boolean;
}

export const TOP_LEVEL_FIELDS = [
  "name",
  "description",
  "entrypoint",
  "hyperparameters",
  "searcher",
  "records_per_epoch",
  "min_validation_period",
  "min_checkpoint_period",
  "scheduling_unit",
  "max_restarts",
  "max_initial_failures",
  "preemption_timeout",
  "checkpoint_policy",
  "checkpoint_storage",
  "resources",
  "reproducibility",
  "environment",
] as const;

export const DEFAULT_NAME = "unnamed";
/**
 * A script that fails for every trial (a typo, a missing package) is told
 * after three trials rather than after every trial and its restarts.
 */
export const DEFAULT_MAX_INITIAL_FAILURES = 3;

/** Validates and normalises an experiment config given as plain data (parsed JSON or YAML). */
export function parseExperimentConfig(input: unknown, options: ParseOptions = {}): ParseResult {
  try {
    return parseConfig(input, options);
  } catch (err) {
    // Only reachable for exotic JS input (throwing getters, proxies): parsed
    // JSON and YAML are plain data, which the parser reads without throwing.
    const reason = err instanceof Error ? err.message : String(err);
    return {
      ok: false,
      errors: [{ path: "", message: `the config could not be read: ${reason}` }],
    };
  }
}

/** Explains top-level fields users put in the wrong place. */
function topLevelHint(key: string): string | undefined {
  if (key === "global_batch_size") {
    return "unknown field; set it as a hyperparameter (hyperparameters.global_batch_size)";
  }
  if (ALL_SEARCHER_FIELDS.includes(key)) {
    return `unknown field; did you mean "searcher.${key}"?`;
  }
  return topLevelFieldHint(key);
}

const configChild = (parent: string, key: string | number) =>
  typeof key === "number" ? indexPath(parent, key) : childPath(parent, key);

function parseConfig(input: unknown, options: ParseOptions): ParseResult {
  const errors = new ErrorList(options.ignoreUnknownFields);
  if (input === undefined || input === null || typeof input !== "object" || Array.isArray(input)) {
    errors.add("", `the config must be a mapping, got ${describeValue(input)}`);
    return { ok: false, errors: errors.errors };
  }
  const m = input as Record<string, unknown>;
  if (Object.prototype.toString.call(m) !== "[object Object]") {
    errors.add("", `the config must be a mapping, got ${describeValue(input)}`);
    return { ok: false, errors: errors.errors };
  }
  // A NUL anywhere, as YAML's "\0" writes it: no store keeps one, no process starts with one.
  for (const issue of jsonValueIssues(m, { child: configChild, sharedReferences: true }))
    errors.add(issue.path, issue.message);
  rejectUnknownFields(m, "", TOP_LEVEL_FIELDS, errors, topLevelHint);

  const name = optional(m, "name", "", anyString, errors, DEFAULT_NAME);
  const description = optional(m, "description", "", anyString, errors, "");
  const entrypoint = required(m, "entrypoint", "", nonEmptyString, errors);
  const hyperparameters = parseHyperparameters(
    getField(m, "hyperparameters"),
    "hyperparameters",
    errors,
  );
  const searcher = parseSearcher(getField(m, "searcher"), "searcher", errors);
  const records_per_epoch = optional(m, "records_per_epoch", "", integer({ min: 1 }), errors, null);
  const min_validation_period = optional(m, "min_validation_period", "", lengthRule, errors, null);
  const min_checkpoint_period = optional(m, "min_checkpoint_period", "", lengthRule, errors, null);
  const scheduling_unit = optional(m, "scheduling_unit", "", integer({ min: 1 }), errors, 100);
  const max_restarts = optional(m, "max_restarts", "", integer({ min: 0 }), errors, 5);
  const max_initial_failures = optional(
    m,
    "max_initial_failures",
    "",
    integer({ min: 0 }),
    errors,
    DEFAULT_MAX_INITIAL_FAILURES,
  );
  const preemption_timeout = optional(m, "preemption_timeout", "", durationSeconds, errors, 300);
  const checkpoint_policy = optional(
    m,
    "checkpoint_policy",
    "",
    oneOf(["best", "all", "none"]),
    errors,
    "best",
  );
  const checkpoint_storage = parseCheckpointStorage(
    getField(m, "checkpoint_storage"),
    "checkpoint_storage",
    errors,
  );
  const resources = parseResources(getField(m, "resources"), "resources", errors);
  const reproducibility = parseReproducibility(
    getField(m, "reproducibility"),
    "reproducibility",
    errors,
    options.defaultSeed ?? 0,
  );
  const environment = parseEnvironment(getField(m, "environment"), "environment", errors);

  const global_batch_size = globalBatchSize(hyperparameters.specs, "hyperparameters", errors);

  if (isGrid(getField(m, "searcher"))) {
    for (const axis of hyperparameters.axesWithoutCount) {
      errors.add(
        childPath(axis, "count"),
        "is required by the grid searcher (the number of points on this axis, an integer >= 1)",
      );
    }
    checkGridSize(hyperparameters.specs, errors);
  }

  const maxLength =
    searcher === undefined
      ? undefined
      : searcher.name === "pbt"
        ? { path: "searcher.length_per_round", length: searcher.length_per_round }
        : { path: "searcher.max_length", length: searcher.max_length };
  const periods: LengthAt[] = [];
  const addPeriod = (path: string, length: Length | null) => {
    if (length !== null) periods.push({ path, length });
  };
  addPeriod("min_validation_period", min_validation_period);
  addPeriod("min_checkpoint_period", min_checkpoint_period);
  checkLengthUnits(maxLength, periods, { records_per_epoch, global_batch_size }, errors);

  if (errors.count > 0 || searcher === undefined || entrypoint === undefined) {
    return { ok: false, errors: errors.errors };
  }
  const config: ExperimentConfig = {
    name: name === "" ? DEFAULT_NAME : name,
    description,
    entrypoint,
    hyperparameters: hyperparameters.specs,
    searcher,
    records_per_epoch,
    global_batch_size,
    min_validation_period,
    min_checkpoint_period,
    scheduling_unit,
    max_restarts,
    max_initial_failures,
    preemption_timeout,
    checkpoint_policy,
    checkpoint_storage,
    resources,
    reproducibility,
    environment,
  };
  return { ok: true, config };
}

/** Whether the searcher is named grid; read from the raw input so a broken searcher still gets the check. */
function isGrid(searcher: unknown): boolean {
  return (
    typeof searcher === "object" &&
    searcher !== null &&
    Object.hasOwn(searcher, "name") &&
    (searcher as { name: unknown }).name === "grid"
  );
}
