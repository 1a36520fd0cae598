/**
 * What a dry run prints (either SDK): `[dry run] validation metrics at step N:
 * name=value …` and `[dry run] checkpoint <uuid> at step N (…)`.
 */

/** The validation metrics reported at `step`. */
export function validationAt(stdout: string, step: number): Record<string, number> {
  const line = stdout
    .split("\n")
    .find((l) => l.startsWith(`[dry run] validation metrics at step ${step}:`));
  if (!line) throw new Error(`no validation at step ${step} in:\n${stdout}`);
  const pairs = [...line.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, Number(m[2])]);
  return Object.fromEntries(pairs);
}

/** The uuid of the checkpoint stored at `step`. */
export function checkpointAt(stdout: string, step: number): string {
  const m = new RegExp(`\\[dry run\\] checkpoint (\\S+) at step ${step} `).exec(stdout);
  if (!m) throw new Error(`no checkpoint at step ${step} in:\n${stdout}`);
  return m[1]!;
}

/** The environment of a shell with no master: every PUSHTUNE_* variable removed. */
export function offCluster(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("PUSHTUNE_")),
  );
  return { ...env, ...extra };
}
