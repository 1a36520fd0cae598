/**
 * While Slurm fails to answer, the launcher asks it less and less often (up
 * to its longest interval), and goes on as before once it answers. Slurm is
 * played by a command runner that fails `squeue` a few times.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import type { ExitInfo } from "../../src/master/launcher/launcher.js";
import type { CommandRunner } from "../../src/master/launcher/slurm/command-runner.js";
import { SlurmLauncher } from "../../src/master/launcher/slurm/slurm-launcher.js";
import { launchSpec } from "./support/fake-slurm.js";

test("each failed squeue doubles the wait before the next, up to the longest", async () => {
  const calls: number[] = [];
  const failures = 5;
  const runCommand: CommandRunner = async (command) => {
    if (command === "sbatch") return { code: 0, stdout: "42\n", stderr: "" };
    if (command !== "squeue") return { code: 1, stdout: "", stderr: "unexpected" };
    calls.push(performance.now());
    if (calls.length <= failures)
      return {
        code: 1,
        stdout: "",
        stderr: "slurm_load_jobs error: Unable to contact slurm controller",
      };
    const jobs = [{ job_id: 42, job_state: "COMPLETED", exit_code: 0 }];
    return { code: 0, stdout: JSON.stringify({ jobs }), stderr: "" };
  };
  const jobsDir = await mkdtemp(join(tmpdir(), "pushtune-slurm-backoff-"));
  const launcher = new SlurmLauncher({
    slots: 1,
    jobsDir,
    runCommand,
    pollIntervalMs: 50,
    maxPollIntervalMs: 400,
  });
  const exited = new Promise<ExitInfo>((resolve) =>
    launcher.attach({ exited: (_id, info) => resolve(info), log: () => {} }),
  );
  await launcher.launch(launchSpec("a"));
  expect(await exited).toEqual({ exitCode: 0, signal: null, lost: false });
  const gaps = calls.slice(1).map((t, i) => t - calls[i]!);
  // After failures 1..5 the waits are 100, 200, 400, 400, 400 ms (timers fire late, never early).
  const waits = [100, 200, 400, 400, 400];
  expect(gaps).toHaveLength(waits.length);
  for (const [i, gap] of gaps.entries()) expect(gap).toBeGreaterThanOrEqual(waits[i]! - 5);
  await launcher.close();
  await rm(jobsDir, { recursive: true, force: true });
});
