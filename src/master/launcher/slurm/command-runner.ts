/**
 * How the Slurm launcher runs Slurm's commands (`sbatch`, `squeue`,
 * `scancel`, `scontrol`): a seam, so that tests can count or answer the calls.
 * Arguments go to the program as they are, never through a shell.
 */
import { execFile } from "node:child_process";

export interface CommandResult {
  /** The exit code; non-zero (or -1 when it could not run) is a failure the caller reads. */
  code: number;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  /**
   * The command's environment instead of the runner's, which only lends it
   * Slurm's own settings (`SLURM_*`, `SBATCH_*`: where the cluster's
   * configuration is, a site's defaults).
   */
  env?: Record<string, string>;
}

export type CommandRunner = (
  command: string,
  args: readonly string[],
  options?: CommandOptions,
) => Promise<CommandResult>;

const SLURM_PREFIXES = ["SLURM_", "SBATCH_"];

/** Slurm's settings in `env`. */
function slurmSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([name]) => SLURM_PREFIXES.some((p) => name.startsWith(p))),
  );
}

/** A call that takes longer is given up (Slurm's controller is down or stuck). */
const TIMEOUT_MS = 60_000;

/** Runs commands as child processes of the master, with `env` (default: the master's own). */
export function execRunner(env: NodeJS.ProcessEnv = process.env): CommandRunner {
  return (command, args, options = {}) =>
    new Promise((resolve) => {
      const own = options.env ? { ...slurmSettings(env), ...options.env } : env;
      execFile(
        command,
        args,
        { env: own, timeout: TIMEOUT_MS, maxBuffer: 512 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
          resolve({ code, stdout: String(stdout), stderr: String(stderr || (err?.message ?? "")) });
        },
      );
    });
}

/** The result's output, or an error naming the command and what it printed. */
export function succeeded(command: string, result: CommandResult): string {
  if (result.code === 0) return result.stdout;
  throw new Error(
    `${command} failed (${result.code}): ${result.stderr.trim() || result.stdout.trim()}`,
  );
}

export interface Retries {
  /** Tries in all, the first included. */
  tries: number;
  /** The wait before the first retry; each next one is twice as long, at most 30 s. */
  firstDelayMs: number;
  /** Whether a retry is still wanted (the job is still followed, say). */
  wanted(): boolean;
  /** Told of each failure, and whether it will be tried again. */
  failed(why: string, again: boolean): void;
}

/**
 * Runs a command once and resolves; while it fails and `retries.wanted()`, it
 * is run again in the background, the caller not held up.
 */
export async function runRetried(
  run: CommandRunner,
  command: string,
  args: readonly string[],
  retries: Retries,
): Promise<void> {
  const first = await run(command, args);
  if (first.code === 0) return;
  void (async () => {
    let result = first;
    for (let tries = 1; ; tries++) {
      const again = retries.wanted() && tries < retries.tries;
      retries.failed(result.stderr.trim() || `exit code ${result.code}`, again);
      if (!again) return;
      const wait = Math.min(retries.firstDelayMs * 2 ** (tries - 1), 30_000);
      await new Promise((r) => setTimeout(r, wait).unref());
      result = await run(command, args);
      if (result.code === 0) return;
    }
  })();
}
