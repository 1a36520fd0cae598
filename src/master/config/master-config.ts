/**
 * The master's config file (`pushtune master --config master.yaml`): where
 * its database is, where it listens, the URL trials reach it at, and its
 * resource pools. Parsed like an experiment config: every error at once,
 * each naming its field's path, with a suggestion for a misspelt key. Pure:
 * the file is read by the caller.
 */
import { childPath, describeValue, ErrorList, indexPath } from "../../protocol/config/errors.js";
import {
  getField,
  integer,
  type Mapping,
  nonEmptyString,
  oneOf,
  optional,
  type Rule,
  readMapping,
  rejectUnknownFields,
  required,
} from "../../protocol/config/fields.js";
import { MAX_SLOTS } from "../../protocol/config/limits.js";
import {
  readSlurmOptions,
  SLURM_OPTION_FIELDS,
  type SlurmResourcesConfig,
  slurmTimeLimitSeconds,
} from "../../protocol/config/slurm-resources.js";

/** Trials run as child processes of the master, on its machine. */
export interface LocalPoolConfig {
  name: string;
  launcher: "local";
  /** Default: the number of CPUs of the master's machine. */
  slots?: number;
}

/** Trials run as `sbatch` jobs; `SlurmResourcesConfig` is what every job of the pool asks for. */
export interface SlurmPoolConfig extends SlurmResourcesConfig {
  name: string;
  launcher: "slurm";
  slots: number;
  /** What a slot is: a CPU (`--cpus-per-task`) or a GPU (`--gres=gpu:N`). */
  slot_type: "cpu" | "gpu";
  /** A directory on the file system the master and the compute nodes share; jobs' files go under it. */
  jobs_dir?: string;
  /** Seconds before its time limit a job's trial is sent SIGTERM to checkpoint (default 60). */
  warning_seconds?: number;
}

/** A Slurm pool's `warning_seconds` when it sets none. */
export const DEFAULT_WARNING_SECONDS = 60;

/**
 * Why `timeLimit` leaves a job no time before its warning, or null: Slurm
 * sends the warning at once, so every trial would be told to stop as it
 * starts. `pool`: whose warning it is, when not the same pool's config.
 */
export function timeLimitTooShort(
  timeLimit: string,
  warningSeconds: number,
  pool?: string,
): string | null {
  const seconds = slurmTimeLimitSeconds(timeLimit);
  if (seconds === null || seconds === undefined || seconds > warningSeconds) return null;
  const whose =
    pool === undefined ? "warning_seconds" : `resource pool "${pool}"'s warning_seconds`;
  return `must be longer than ${whose} (${warningSeconds} s: a job is told to stop that long before its time limit), or every trial would be told to stop as it starts, got "${timeLimit}"`;
}

export type PoolConfig = LocalPoolConfig | SlurmPoolConfig;

export interface MasterConfig {
  db?: string;
  data_dir?: string;
  host?: string;
  port?: number;
  /** The URL trials use to reach the master. */
  advertised_url?: string;
  /** The first is the default pool, where experiments that name none run. */
  resource_pools?: PoolConfig[];
}

export type MasterConfigResult =
  | { ok: true; config: MasterConfig }
  | { ok: false; errors: { path: string; message: string }[] };

/** The pool a master without a config file has: local, as many slots as CPUs. */
export const DEFAULT_POOL_NAME = "default";
export const DEFAULT_POOLS: readonly PoolConfig[] = [
  { name: DEFAULT_POOL_NAME, launcher: "local" },
];

const TOP_LEVEL = ["db", "data_dir", "host", "port", "advertised_url", "resource_pools"];
const LOCAL_FIELDS = ["name", "launcher", "slots"];
const SLURM_FIELDS = [
  "name",
  "launcher",
  "slots",
  "slot_type",
  "jobs_dir",
  "warning_seconds",
  ...SLURM_OPTION_FIELDS,
];

/** What `port` takes; `pushtune master --port` checks the same. 0 is a free port. */
export const PORT = integer({ min: 0, max: 65_535 });

/**
 * What a pool's `slots` takes; `pushtune master --slots` checks the same. At
 * most what a trial may take (MAX_SLOTS): more could never be given to one.
 */
export const POOL_SLOTS = integer({ min: 1, max: MAX_SLOTS });

/** Pool names end up in URLs, file names and experiment configs: keep them plain. */
const POOL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const poolName: Rule<string> = {
  expected: "a name of letters, digits, _, . and -",
  read(value, path, errors) {
    if (typeof value === "string" && POOL_NAME.test(value) && value.length <= 64) return value;
    errors.add(
      path,
      `must be a name of letters, digits, _, . and - (at most 64, starting with a letter or digit), got ${describeValue(value)}`,
    );
    return undefined;
  },
};

const httpUrl: Rule<string> = {
  expected: "an http(s) URL",
  read(value, path, errors) {
    let url: URL | null = null;
    try {
      url = typeof value === "string" ? new URL(value) : null;
    } catch {
      url = null;
    }
    if (url && /^https?:$/.test(url.protocol) && url.host !== "") return String(value);
    errors.add(path, `must be an http(s) URL with a host, got ${describeValue(value)}`);
    return undefined;
  },
};

export function parseMasterConfig(input: unknown): MasterConfigResult {
  const errors = new ErrorList();
  if (input === undefined || input === null) return { ok: true, config: {} };
  const m = readMapping(input, "", errors, "a mapping (the master config)");
  if (!m) return { ok: false, errors: errors.errors };
  rejectUnknownFields(m, "", TOP_LEVEL, errors);
  const config: MasterConfig = {};
  for (const key of ["db", "data_dir", "host"] as const) {
    const v = optional(m, key, "", nonEmptyString, errors, null);
    if (v !== null) config[key] = v;
  }
  const port = optional(m, "port", "", PORT, errors, null);
  if (port !== null) config.port = port;
  const url = optional(m, "advertised_url", "", httpUrl, errors, null);
  if (url !== null) config.advertised_url = url;
  const pools = readPools(getField(m, "resource_pools"), "resource_pools", errors);
  if (pools) config.resource_pools = pools;
  return errors.count > 0 ? { ok: false, errors: errors.errors } : { ok: true, config };
}

function readPools(value: unknown, path: string, errors: ErrorList): PoolConfig[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    errors.add(path, `must be a non-empty list of pools, got ${describeValue(value)}`);
    return undefined;
  }
  const pools: PoolConfig[] = [];
  const seen = new Set<string>();
  value.forEach((item: unknown, i) => {
    const itemPath = indexPath(path, i);
    const m = readMapping(item, itemPath, errors, "a pool ({name, launcher, slots, …})");
    if (!m) return;
    const pool = readPool(m, itemPath, errors);
    if (!pool) return;
    if (seen.has(pool.name)) {
      errors.add(childPath(itemPath, "name"), `another pool is named "${pool.name}" already`);
      return;
    }
    seen.add(pool.name);
    pools.push(pool);
  });
  return pools;
}

function readPool(m: Mapping, path: string, errors: ErrorList): PoolConfig | undefined {
  const name = required(m, "name", path, poolName, errors);
  const launcher = optional(m, "launcher", path, oneOf(["local", "slurm"]), errors, "local");
  if (launcher === "local") {
    rejectUnknownFields(m, path, LOCAL_FIELDS, errors, (key) =>
      SLURM_FIELDS.includes(key)
        ? `unknown field for a local pool (a field of launcher: slurm)`
        : undefined,
    );
    const slots = optional(m, "slots", path, POOL_SLOTS, errors, null);
    if (name === undefined) return undefined;
    return { name, launcher, ...(slots === null ? {} : { slots }) };
  }
  rejectUnknownFields(m, path, SLURM_FIELDS, errors);
  const slots = required(m, "slots", path, POOL_SLOTS, errors, "a Slurm pool");
  const slotType = optional(m, "slot_type", path, oneOf(["cpu", "gpu"]), errors, "cpu");
  const jobsDir = optional(m, "jobs_dir", path, nonEmptyString, errors, null);
  const warning = optional(m, "warning_seconds", path, integer({ min: 1 }), errors, null);
  const options = readSlurmOptions(m, path, errors);
  const short =
    options.time_limit && timeLimitTooShort(options.time_limit, warning ?? DEFAULT_WARNING_SECONDS);
  if (short) errors.add(childPath(path, "time_limit"), short);
  if (name === undefined || slots === undefined) return undefined;
  return {
    name,
    launcher,
    slots,
    slot_type: slotType,
    ...(jobsDir === null ? {} : { jobs_dir: jobsDir }),
    ...(warning === null ? {} : { warning_seconds: warning }),
    ...options,
  };
}
