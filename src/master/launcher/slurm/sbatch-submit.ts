/**
 * Submitting a job with `sbatch`. A controller that cannot be reached (down,
 * restarting, failing over) is not a refusal of the job: sbatch is run again
 * a few times while it could not even connect, then the launch fails with
 * `ClusterUnreachableError`, which the master reads as a lost run rather than
 * a failure of the trial. A refusal (a bad partition, over a limit) fails the
 * launch with Slurm's message.
 */
import { ClusterUnreachableError } from "../launcher.js";
import { type CommandRunner, succeeded } from "./command-runner.js";

/** What a Slurm command prints when it could not reach the controller. */
const UNREACHABLE = /Unable to contact slurm controller|Socket timed out on send\/recv operation/i;
/** Nothing reached the controller: running the command again cannot submit the job twice. */
const NOT_CONNECTED = /Unable to contact slurm controller \(connect failure\)/i;

/** Runs `sbatch args` with `env`; resolves with the job's id. */
export async function submitBatchJob(
  run: CommandRunner,
  args: readonly string[],
  env: Record<string, string>,
  retryDelaysMs: readonly number[],
): Promise<string> {
  let result = await run("sbatch", args, { env });
  for (const delay of retryDelaysMs) {
    if (result.code === 0 || !NOT_CONNECTED.test(result.stderr)) break;
    await new Promise((r) => setTimeout(r, delay));
    result = await run("sbatch", args, { env });
  }
  if (result.code !== 0 && UNREACHABLE.test(result.stderr))
    throw new ClusterUnreachableError(`sbatch failed (${result.code}): ${result.stderr.trim()}`);
  const out = succeeded("sbatch", result);
  // `--parsable` prints "<id>" or "<id>;<cluster>".
  const jobId = out.trim().split(";")[0]!;
  if (!/^\d+$/.test(jobId)) throw new Error(`sbatch printed no job id: ${out.trim()}`);
  return jobId;
}
