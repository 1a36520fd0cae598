/**
 * An `sbatch` that cannot reach Slurm's controller (restarting, failing over)
 * is not a refusal of the job: it is run again while it could not even
 * connect, and a launch that still cannot reach the controller fails with
 * `ClusterUnreachableError`, which the master reads as a lost run, not a
 * failure of the trial. A refusal fails the launch with Slurm's message.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { ClusterUnreachableError } from "../../src/master/launcher/launcher.js";
import type { CommandResult } from "../../src/master/launcher/slurm/command-runner.js";
import { SlurmLauncher } from "../../src/master/launcher/slurm/slurm-launcher.js";
import { launchSpec } from "./support/fake-slurm.js";

const CONNECT =
  "sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)";
const TIMED_OUT =
  "sbatch: error: Batch job submission failed: Socket timed out on send/recv operation";
const REFUSED = "sbatch: error: Batch job submission failed: Invalid partition name specified";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0)) await f();
});

/** A launcher whose sbatch answers `answers` in turn (then job 7), and the sbatch calls made. */
async function launcherAnswering(answers: string[]) {
  const jobsDir = await mkdtemp(join(tmpdir(), "pushtune-unreachable-"));
  const left = [...answers];
  let sbatches = 0;
  const launcher = new SlurmLauncher({
    slots: 1,
    jobsDir,
    sbatchRetryDelaysMs: [0, 0],
    runCommand: async (command): Promise<CommandResult> => {
      if (command !== "sbatch") return { code: 0, stdout: "", stderr: "" };
      sbatches++;
      const stderr = left.shift();
      return stderr ? { code: 1, stdout: "", stderr } : { code: 0, stdout: "7\n", stderr: "" };
    },
  });
  launcher.attach({ exited: () => {}, log: () => {} });
  cleanups.push(async () => {
    await launcher.close();
    await rm(jobsDir, { recursive: true, force: true });
  });
  return { launcher, jobsDir, sbatches: () => sbatches };
}

test("an sbatch that could not connect to the controller is run again, and the job starts", async () => {
  const { launcher, sbatches } = await launcherAnswering([CONNECT, CONNECT]);
  expect(await launcher.launch(launchSpec("a"))).toMatchObject({ jobId: "7" });
  expect(sbatches()).toBe(3);
});

test("a controller still out of reach fails the launch as unreachable, not as the trial's failure", async () => {
  const { launcher, sbatches } = await launcherAnswering([CONNECT, CONNECT, CONNECT]);
  const failed = await launcher.launch(launchSpec("a")).catch((err: unknown) => err);
  expect(failed).toBeInstanceOf(ClusterUnreachableError);
  expect((failed as Error).message).toBe(`sbatch failed (1): ${CONNECT}`);
  expect(sbatches()).toBe(3);
});

test("an sbatch whose answer timed out is not run again (the job may be submitted) and is unreachable", async () => {
  const { launcher, sbatches } = await launcherAnswering([TIMED_OUT]);
  const failed = await launcher.launch(launchSpec("a")).catch((err: unknown) => err);
  expect(failed).toBeInstanceOf(ClusterUnreachableError);
  expect(sbatches()).toBe(1);
});

test("a launch that submitted no job leaves no job directory (its environment file holds the trial's token)", async () => {
  for (const answers of [[CONNECT, CONNECT, CONNECT], [TIMED_OUT], [REFUSED]]) {
    const { launcher, jobsDir } = await launcherAnswering(answers);
    await expect(launcher.launch(launchSpec("a"))).rejects.toThrow();
    expect(await readdir(jobsDir)).toEqual([]);
  }
});

test("an sbatch refusal fails the launch with Slurm's message, once", async () => {
  const { launcher, sbatches } = await launcherAnswering([REFUSED]);
  const failed = await launcher.launch(launchSpec("a")).catch((err: unknown) => err);
  expect(failed).not.toBeInstanceOf(ClusterUnreachableError);
  expect((failed as Error).message).toBe(`sbatch failed (1): ${REFUSED}`);
  expect(sbatches()).toBe(1);
});
