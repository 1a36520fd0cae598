/**
 * A job whose batch script wrote its exit record ends at once, without
 * waiting for Slurm to call it ended: its slot is free within a tail
 * interval. One the script saw a SIGTERM nobody at the master sent waits for
 * Slurm's word, which tells an outside `scancel` from the cluster's signal.
 * Slurm is played by a command runner whose `squeue` says what the test sets.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import type { ExitInfo } from "../../src/master/launcher/launcher.js";
import type { CommandRunner } from "../../src/master/launcher/slurm/command-runner.js";
import { SlurmLauncher } from "../../src/master/launcher/slurm/slurm-launcher.js";

let jobsDir: string;
let launcher: SlurmLauncher;
let slurmState: string;
const exits: ExitInfo[] = [];

beforeEach(async () => {
  jobsDir = await mkdtemp(join(tmpdir(), "pushtune-slurm-exit-record-"));
  slurmState = "RUNNING";
  exits.length = 0;
  const runCommand: CommandRunner = async (command) => {
    if (command === "sbatch") return { code: 0, stdout: "7\n", stderr: "" };
    if (command === "squeue") {
      const jobs = [{ job_id: 7, job_state: slurmState, exit_code: 0 }];
      return { code: 0, stdout: JSON.stringify({ jobs }), stderr: "" };
    }
    return { code: 0, stdout: "", stderr: "" };
  };
  launcher = new SlurmLauncher({ slots: 1, jobsDir, runCommand, tailIntervalMs: 20 });
  launcher.attach({ exited: (_id, info) => exits.push(info), log: () => {} });
  await launcher.launch({
    allocationId: "a",
    trialId: 1,
    experimentId: 1,
    workdir: tmpdir(),
    entrypoint: "true",
    env: {},
    slots: 1,
  });
});

afterEach(async () => {
  await launcher.close();
  await rm(jobsDir, { recursive: true, force: true });
});

const writeRecord = (text: string) => writeFile(join(jobsDir, "a", "exit"), text);

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
}

test("a job whose trial exited ends by its exit record while Slurm still lists it as running", async () => {
  await writeRecord("3 0\n");
  await until(() => exits.length > 0);
  expect(exits).toEqual([{ exitCode: 3, signal: null, lost: false }]);
  // Slurm never said it ended: the record alone ended it, once.
  await new Promise((r) => setTimeout(r, 100));
  expect(exits).toHaveLength(1);
});

test("a job the master stopped ends by its exit record", async () => {
  await launcher.terminate("a", null);
  await writeRecord("0 1\n");
  await until(() => exits.length > 0);
  expect(exits).toEqual([{ exitCode: 0, signal: null, lost: false }]);
});

test("a SIGTERM the master did not send waits for Slurm to say whose it was", async () => {
  await writeRecord("0 1\n");
  await new Promise((r) => setTimeout(r, 200));
  expect(exits).toEqual([]);
  slurmState = "CANCELLED";
  await until(() => exits.length > 0);
  // Cancelled from outside: a failure of the run, not a clean end.
  expect(exits).toEqual([{ exitCode: null, signal: "SIGTERM", lost: false }]);
});
