/**
 * Trial variables too long for a process's environment (DESIGN §4): plain
 * constants, so that a trial reads them without loading the schema library.
 */

/**
 * PUSHTUNE_FROM_MASTER: the names (comma-separated) of the PUSHTUNE_*
 * variables a launcher left out of a trial process's environment because
 * their values were too long to pass (Linux refuses to start a process with
 * one variable over 128 KiB). The trial reads them from
 * `GET /allocations/{id}/environment`.
 */
export const FROM_MASTER = "PUSHTUNE_FROM_MASTER";

/** The variables a launcher may leave out: their values grow with the experiment's config. */
export const LONG_VARIABLES: readonly string[] = ["PUSHTUNE_HPARAMS", "PUSHTUNE_EXPERIMENT_CONFIG"];

/**
 * The longest value (UTF-8 bytes) of a LONG_VARIABLES variable passed in a
 * process's environment. Linux refuses to start a process with one variable
 * over 128 KiB (E2BIG), and with all of them together over a quarter of its
 * stack limit; an experiment config with a categorical of 30,000 values is
 * about 200 KB.
 */
export const LONGEST_PASSED_BYTES = 32 * 1024;

/**
 * `env` as a process may be given it: a variable of LONG_VARIABLES longer
 * than LONGEST_PASSED_BYTES is left out, and PUSHTUNE_FROM_MASTER names it.
 */
export function passable<V extends string | undefined>(
  env: Record<string, V>,
): Record<string, V | string> {
  const out: Record<string, V | string> = { ...env };
  const left = LONG_VARIABLES.filter((name) => {
    const value = out[name];
    return value !== undefined && new TextEncoder().encode(value).length > LONGEST_PASSED_BYTES;
  });
  for (const name of left) delete out[name];
  if (left.length > 0) out[FROM_MASTER] = left.join(",");
  return out;
}
