/**
 * What a trial process inherits from the master's environment: only what a
 * program needs to run as the master's OS user (where to find programs, its
 * home, locale, time zone, temporary files, terminal). Everything else the
 * master was started with — cloud credentials, database URLs, the operator's
 * own `PUSHTUNE_TOKEN` — stays with the master. A trial gets its own
 * `PUSHTUNE_*` variables and its experiment's `environment.variables` on top.
 */

/** Names passed through as they are. */
export const INHERITED_NAMES: readonly string[] = [
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "LANG",
  "LANGUAGE",
  "TZ",
  "TMPDIR",
  "TMP",
  "TEMP",
  "TERM",
];

/** Prefixes passed through: the locale's categories (`LC_ALL`, `LC_CTYPE`, …). */
export const INHERITED_PREFIXES: readonly string[] = ["LC_"];

/** The part of `env` a trial inherits. */
export function inheritedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (INHERITED_NAMES.includes(name) || INHERITED_PREFIXES.some((p) => name.startsWith(p)))
      out[name] = value;
  }
  return out;
}

/**
 * Variables that size the thread pools of the numerical libraries a trial is
 * likely to load: OpenMP (and so PyTorch, scikit-learn's OpenMP parts),
 * OpenBLAS, MKL, numexpr and Apple's Accelerate. Left unset, each of these
 * starts one thread per core in every trial process, so trials sharing a
 * machine oversubscribe its cores and each runs slower than alone.
 */
export const THREAD_COUNT_NAMES: readonly string[] = [
  "OMP_NUM_THREADS",
  "OPENBLAS_NUM_THREADS",
  "MKL_NUM_THREADS",
  "NUMEXPR_NUM_THREADS",
  "VECLIB_MAXIMUM_THREADS",
];

/**
 * The thread counts a trial process gets by default: its slots (as Ray gives
 * its workers their CPUs). The trial's own environment (`env`: its
 * experiment's `environment.variables`) wins name by name, and an
 * `OMP_NUM_THREADS` it sets is also the default for the other libraries, so
 * that setting it alone is enough to size them all. Merge the result under `env`.
 */
export function threadCountDefaults(
  slots: number,
  env: Record<string, string>,
): Record<string, string> {
  const count = env.OMP_NUM_THREADS ?? String(Math.max(1, slots));
  return Object.fromEntries(THREAD_COUNT_NAMES.map((name) => [name, count]));
}
