/**
 * A master that dies between `sbatch` and storing the job's id leaves its
 * allocation without a handle. The next master's launcher finds the job by
 * its output file (in the allocation's directory) and adopts it: queued,
 * running or ended, its logs and end are read as any adopted job's, and its
 * handle is reported for the master to store. No directory: `sbatch` never
 * ran, and the allocation is stopped at once, Slurm not even asked. A
 * directory but no job: the run is lost at the first look, and the directory
 * goes. Slurm out of reach: the job is followed until Slurm answers.
 */
import { existsSync } from "node:fs";
import { appendFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import type { ExitInfo } from "../../src/master/launcher/launcher.js";
import type { CommandRunner } from "../../src/master/launcher/slurm/command-runner.js";
import { SlurmLauncher } from "../../src/master/launcher/slurm/slurm-launcher.js";
import { launchSpec, until } from "./support/fake-slurm.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

/** A Slurm whose squeue lists job 7 (writing to `stdout`) while `state` is set, and fails while down. */
function fakeSlurm() {
  const slurm = {
    state: null as string | null,
    stdout: "",
    down: false,
    commands: [] as string[][],
  };
  const runCommand: CommandRunner = async (command, args) => {
    slurm.commands.push([command, ...args]);
    if (command === "sbatch") return { code: 0, stdout: "7\n", stderr: "" };
    if (slurm.down && command !== "scancel")
      return {
        code: 1,
        stdout: "",
        stderr: "Unable to contact slurm controller (connect failure)",
      };
    if (command === "squeue") {
      const jobs = slurm.state
        ? [{ job_id: 7, job_state: slurm.state, exit_code: 0, standard_output: slurm.stdout }]
        : [];
      return { code: 0, stdout: JSON.stringify({ jobs }), stderr: "" };
    }
    if (command === "scontrol" && args[0] === "show" && !slurm.state)
      return { code: 1, stdout: "", stderr: "slurm_load_jobs error: Invalid job id specified" };
    return { code: 0, stdout: "", stderr: "" };
  };
  return { slurm, runCommand };
}

/** A master's launcher on `jobsDir`, and what it reports. */
function launcherOn(jobsDir: string, runCommand: CommandRunner) {
  const launcher = new SlurmLauncher({
    slots: 1,
    jobsDir,
    runCommand,
    pollIntervalMs: 20,
    tailIntervalMs: 20,
  });
  const reported = {
    exits: [] as ExitInfo[],
    found: [] as unknown[],
    lines: [] as string[],
  };
  launcher.attach({
    exited: (_id, info) => reported.exits.push(info),
    log: (_id, _stream, line) => reported.lines.push(line),
    found: (_id, handle) => reported.found.push(handle),
  });
  cleanups.push(() => launcher.close());
  return { launcher, ...reported };
}

/**
 * Allocation "a" launched by a master that died before storing its handle
 * (as job 7, or, with `submitted: false`, with its directory written and no
 * job), and the next master's launcher on the same jobs directory.
 */
async function masterDiedAtSubmission({ submitted = true } = {}) {
  const jobsDir = await mkdtemp(join(tmpdir(), "pushtune-unrecorded-"));
  cleanups.push(() => rm(jobsDir, { recursive: true, force: true }));
  const { slurm, runCommand } = fakeSlurm();
  const dead = new SlurmLauncher({ slots: 1, jobsDir, runCommand });
  dead.attach({ exited: () => {}, log: () => {} });
  const handle = await dead.launch(launchSpec("a"));
  await dead.close();
  slurm.stdout = join(handle.dir, "stdout.log");
  slurm.state = submitted ? "PENDING" : null;
  slurm.commands.length = 0;
  const next = launcherOn(jobsDir, runCommand);
  return { slurm, dir: handle.dir, next };
}

test("a queued job whose id was never stored is adopted, and its handle reported, not submitted again", async () => {
  const { slurm, dir, next } = await masterDiedAtSubmission();
  expect(await next.launcher.recover("a", null)).toBe("adopted");
  await until(() => next.found.length > 0);
  expect(next.found).toEqual([{ jobId: "7", dir }]);
  slurm.state = "RUNNING";
  await appendFile(join(dir, "stdout.log"), "step 1\n");
  await until(() => next.lines.length > 0);
  await writeFile(join(dir, "exit"), "0 0\n");
  slurm.state = "COMPLETED";
  await until(() => next.exits.length > 0);
  expect(next.exits).toEqual([{ exitCode: 0, signal: null, lost: false }]);
  expect(next.lines).toEqual(["step 1"]);
  expect(slurm.commands.filter(([c]) => c === "sbatch")).toEqual([]);
  expect(existsSync(dir)).toBe(true); // its experiment's deletion removes it, by the stored handle
});

test("a running job whose id was never stored is adopted, and a kill asked while it was looked for cancels it once found", async () => {
  const { slurm, dir, next } = await masterDiedAtSubmission();
  slurm.state = "RUNNING";
  slurm.down = true;
  expect(await next.launcher.recover("a", null)).toBe("adopted");
  await next.launcher.kill("a", null);
  expect(slurm.commands.filter(([c]) => c === "scancel")).toEqual([]);
  slurm.down = false;
  await until(() => slurm.commands.some(([c]) => c === "scancel"));
  expect(slurm.commands.filter(([c]) => c === "scancel")).toEqual([["scancel", "7"]]);
  expect(next.found).toEqual([{ jobId: "7", dir }]);
  slurm.state = "CANCELLED";
  await until(() => next.exits.length > 0);
  expect(next.exits).toEqual([{ exitCode: null, signal: "SIGKILL", lost: false }]);
});

test("a job that ends while Slurm is out of reach waits for Slurm to find it, so that its handle is reported", async () => {
  const { slurm, dir, next } = await masterDiedAtSubmission();
  slurm.down = true;
  expect(await next.launcher.recover("a", null)).toBe("adopted");
  await writeFile(join(dir, "exit"), "0 0\n");
  const squeues = () => slurm.commands.filter(([c]) => c === "squeue").length;
  await until(() => next.exits.length > 0 || squeues() >= 3);
  expect(next.exits).toEqual([]);
  slurm.state = "COMPLETED";
  slurm.down = false;
  await until(() => next.exits.length > 0);
  expect(next.found).toEqual([{ jobId: "7", dir }]);
  expect(next.exits).toEqual([{ exitCode: 0, signal: null, lost: false }]);
  expect(existsSync(dir)).toBe(true);
});

test("a job that ended, and that Slurm has forgotten, is read from its exit record", async () => {
  const { slurm, dir, next } = await masterDiedAtSubmission();
  slurm.state = null;
  await writeFile(join(dir, "exit"), "3 0\n");
  expect(await next.launcher.recover("a", null)).toBe("adopted");
  await until(() => next.exits.length > 0);
  expect(next.exits).toEqual([{ exitCode: 3, signal: null, lost: false }]);
  // No id to store: nothing would ever remove its directory.
  await until(() => !existsSync(dir));
});

test("an allocation whose job directory was never written is stopped at once, Slurm not asked", async () => {
  const jobsDir = await mkdtemp(join(tmpdir(), "pushtune-unrecorded-"));
  cleanups.push(() => rm(jobsDir, { recursive: true, force: true }));
  const { slurm, runCommand } = fakeSlurm();
  const next = launcherOn(jobsDir, runCommand);
  expect(await next.launcher.recover("a", null)).toBe("stopped");
  expect(slurm.commands).toEqual([]);
});

test("a job directory with no job (sbatch never ran) is lost at the first look, and goes", async () => {
  const { slurm, dir, next } = await masterDiedAtSubmission({ submitted: false });
  const started = Date.now();
  expect(await next.launcher.recover("a", null)).toBe("adopted");
  await until(() => next.exits.length > 0);
  expect(Date.now() - started).toBeLessThan(1_000);
  expect(next.exits).toEqual([{ exitCode: null, signal: null, lost: true }]);
  expect(next.found).toEqual([]);
  await until(() => !existsSync(dir));
  expect(slurm.commands.filter(([c]) => c === "sbatch" || c === "scancel")).toEqual([]);
});

test("Slurm out of reach at recovery: the job is followed until Slurm answers, then found", async () => {
  const { slurm, dir, next } = await masterDiedAtSubmission();
  slurm.down = true;
  expect(await next.launcher.recover("a", null)).toBe("adopted");
  await until(() => slurm.commands.filter(([c]) => c === "squeue").length >= 3);
  expect([next.exits, next.found]).toEqual([[], []]);
  slurm.down = false;
  await until(() => next.found.length > 0);
  expect(next.found).toEqual([{ jobId: "7", dir }]);
  expect(next.exits).toEqual([]);
});
