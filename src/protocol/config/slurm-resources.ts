/**
 * `resources.slurm`: what an experiment asks of a Slurm cluster for each of
 * its trials, over the pool's own settings. A master whose trials are not
 * Slurm jobs ignores it.
 */
import { describeValue, type ErrorList } from "./errors.js";
import {
  listOf,
  type Mapping,
  nonEmptyString,
  optional,
  type Rule,
  readMapping,
  rejectUnknownFields,
} from "./fields.js";

export interface SlurmResourcesConfig {
  partition?: string;
  account?: string;
  qos?: string;
  /** `sbatch --time`, as Slurm reads it ("4:00:00", "2-00:00:00"; a number is minutes). */
  time_limit?: string;
  /** More `sbatch` options, passed as they are after the pool's. */
  sbatch_args?: string[];
}

/**
 * Options the launcher sets itself: how a job gets its environment, where
 * its output goes, its name and its signals. An experiment that set them
 * would break what the master reads of its jobs (or pass the master's own
 * environment to them). And options that change how sbatch answers or where
 * the job is: another cluster (`-M`: the master's squeue, scontrol and
 * scancel would not find the job), waiting for the job's end, or a test
 * that submits nothing.
 */
export const RESERVED_SBATCH_OPTIONS: readonly string[] = [
  "--export",
  "--export-file",
  "--output",
  "-o",
  "--error",
  "-e",
  "--open-mode",
  "--chdir",
  "-D",
  "--job-name",
  "-J",
  "--signal",
  "--requeue",
  "--no-requeue",
  "--parsable",
  "--wrap",
  "--array",
  "-a",
  "--clusters",
  "-M",
  "--wait",
  "-W",
  "--test-only",
];

/**
 * Options a field sets, checked there: a time limit no longer than the pool's
 * warning_seconds is refused (every trial would be told to stop as it
 * starts), which the same limit given as an sbatch option would escape.
 */
const FIELD_OPTIONS: Readonly<Record<string, string>> = {
  "--time": "time_limit",
  "-t": "time_limit",
};

/**
 * The option an argument sets ("--export=ALL" sets "--export"), or null for a
 * value. sbatch takes a long option by any unambiguous start of its name
 * ("--outp=…" is "--output"): one that starts a checked name is that one.
 */
function optionOf(arg: string): string | null {
  if (!arg.startsWith("-")) return null;
  if (!arg.startsWith("--")) return arg.slice(0, 2);
  const option = arg.split("=")[0]!;
  const checked = [...RESERVED_SBATCH_OPTIONS, ...Object.keys(FIELD_OPTIONS)];
  const started = option.length > 3 ? checked.find((r) => r.startsWith(option)) : undefined;
  return started ?? option;
}

const sbatchArg: Rule<string> = {
  expected: "an sbatch option",
  read(value, path, errors) {
    const arg = nonEmptyString.read(value, path, errors);
    if (arg === undefined) return undefined;
    const option = optionOf(arg);
    if (option !== null && RESERVED_SBATCH_OPTIONS.includes(option)) {
      errors.add(path, `${option} is reserved by pushtune, got ${describeValue(arg)}`);
      return undefined;
    }
    const field = option === null ? undefined : FIELD_OPTIONS[option];
    if (field) {
      errors.add(
        path,
        `${option} is set by ${field}; give the limit there, got ${describeValue(arg)}`,
      );
      return undefined;
    }
    return arg;
  },
};

/**
 * Seconds of a time limit as `sbatch --time` reads it ("minutes",
 * "minutes:seconds", "hours:minutes:seconds", "days-hours",
 * "days-hours:minutes" or "days-hours:minutes:seconds"), rounded up to whole
 * minutes as Slurm does; null for no limit (0, "UNLIMITED", "INFINITE");
 * undefined for text Slurm would refuse.
 */
export function slurmTimeLimitSeconds(text: string): number | null | undefined {
  const t = text.trim();
  if (/^(-1|infinite|unlimited)$/i.test(t)) return null;
  const dayed = /^(\d+)-(\d+)(?::(\d+)(?::(\d+))?)?$/.exec(t);
  const plain = /^(\d+)(?::(\d+)(?::(\d+))?)?$/.exec(t);
  let seconds: number;
  if (dayed) {
    const [, d, h, m, s] = dayed.map(Number) as number[];
    seconds = ((d! * 24 + h!) * 60 + (m || 0)) * 60 + (s || 0);
  } else if (plain) {
    const parts = plain
      .slice(1)
      .filter((p) => p !== undefined)
      .map(Number);
    // minutes; minutes:seconds; hours:minutes:seconds
    const [h, m, s] = parts.length === 3 ? parts : [0, parts[0]!, parts[1] ?? 0];
    seconds = (h! * 60 + m!) * 60 + s!;
  } else return undefined;
  if (!Number.isSafeInteger(seconds)) return undefined;
  return seconds === 0 ? null : Math.ceil(seconds / 60) * 60;
}

/** `time_limit`: text `sbatch --time` takes, or a whole number of minutes (kept as text). */
const slurmTimeLimit: Rule<string> = {
  expected: "a Slurm time limit",
  read(value, path, errors) {
    const text = Number.isSafeInteger(value) && (value as number) >= 0 ? String(value) : value;
    if (typeof text === "string" && slurmTimeLimitSeconds(text) !== undefined) return text.trim();
    errors.add(
      path,
      `must be a Slurm time limit as sbatch --time reads it (minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS; UNLIMITED), got ${describeValue(value)}`,
    );
    return undefined;
  },
};

/** The fields a pool's and an experiment's Slurm settings share. */
export const SLURM_OPTION_FIELDS = [
  "partition",
  "account",
  "qos",
  "time_limit",
  "sbatch_args",
] as const;

/** Reads `SLURM_OPTION_FIELDS` of a mapping (other keys are the caller's to check). */
export function readSlurmOptions(
  m: Mapping,
  path: string,
  errors: ErrorList,
): SlurmResourcesConfig {
  const out: SlurmResourcesConfig = {};
  for (const name of ["partition", "account", "qos"] as const) {
    const v = optional(m, name, path, nonEmptyString, errors, null);
    if (v !== null) out[name] = v;
  }
  const time = optional(m, "time_limit", path, slurmTimeLimit, errors, null);
  if (time !== null) out.time_limit = time;
  const args = optional(m, "sbatch_args", path, listOf(sbatchArg), errors, null);
  if (args !== null) out.sbatch_args = args;
  return out;
}

export function parseSlurmResources(
  value: unknown,
  path: string,
  errors: ErrorList,
): SlurmResourcesConfig | undefined {
  if (value === undefined) return undefined;
  const m: Mapping = readMapping(value, path, errors) ?? {};
  rejectUnknownFields(m, path, SLURM_OPTION_FIELDS, errors);
  return readSlurmOptions(m, path, errors);
}
