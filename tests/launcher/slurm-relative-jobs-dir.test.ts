/**
 * A pool's jobs_dir given as a relative path (`jobs_dir: slurm-jobs` in the
 * master's config) names a directory relative to the master's working
 * directory; the job runs in its experiment's workdir (`--chdir`), and must
 * still read its environment from, and write its output and exit record to,
 * the directory the master made and reads.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { expect, onTestFinished, test } from "vitest";
import type { CommandRunner } from "../../src/master/launcher/slurm/command-runner.js";
import { SlurmLauncher } from "../../src/master/launcher/slurm/slurm-launcher.js";
import { launchSpec } from "./support/fake-slurm.js";

test("a job of a pool whose jobs_dir is relative finds its files from its workdir", async () => {
  const base = await mkdtemp(join(tmpdir(), "pushtune-relative-jobs-"));
  onTestFinished(() => rm(base, { recursive: true, force: true }));
  const jobsDir = join(base, "jobs");
  const workdir = join(base, "experiment", "deep", "workdir");
  await mkdir(workdir, { recursive: true });
  let sbatch: readonly string[] = [];
  const runCommand: CommandRunner = async (command, args) => {
    if (command === "sbatch") {
      sbatch = args;
      return { code: 0, stdout: "7\n", stderr: "" };
    }
    return { code: 0, stdout: JSON.stringify({ jobs: [] }), stderr: "" };
  };
  const launcher = new SlurmLauncher({
    slots: 1,
    jobsDir: relative(process.cwd(), jobsDir),
    runCommand,
  });
  onTestFinished(() => launcher.close());
  launcher.attach({ exited: () => {}, log: () => {} });
  await launcher.launch({ ...launchSpec("a"), workdir });

  // Slurm runs the batch script in the workdir (`--chdir`), and opens --output/--error from there.
  const script = sbatch.at(-1)!;
  const run = spawnSync("sh", [resolve(script)], { cwd: workdir, encoding: "utf8" });
  expect(run.stderr).toBe("");
  expect(existsSync(join(jobsDir, "a", "exit"))).toBe(true);
  const output = sbatch.find((a) => a.startsWith("--output="))!.slice("--output=".length);
  expect(resolve(workdir, output)).toBe(join(jobsDir, "a", "stdout.log"));
});
