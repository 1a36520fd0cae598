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
