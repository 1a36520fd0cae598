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
