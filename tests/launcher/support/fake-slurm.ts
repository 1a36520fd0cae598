/**
 * A Slurm launcher whose Slurm is a command runner: `sbatch` gives job 7, and
 * `squeue` lists it in whatever state the test sets. Nothing runs, so tests
 * write a job's exit record themselves.
 */
import { appendFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ExitInfo, LaunchSpec } from "../../../src/master/launcher/launcher.js";
import type { CommandRunner } from "../../../src/master/launcher/slurm/command-runner.js";
import {
  type SlurmHandle,
  SlurmLauncher,
} from "../../../src/master/launcher/slurm/slurm-launcher.js";

export interface FakeSlurm {
  launcher: SlurmLauncher;
  jobsDir: string;
  exits: ExitInfo[];
  /** What squeue says of job 7 from now on (RUNNING at first). */
  setState(state: string): void;
  /** Whether squeue and scontrol fail from now on, as when Slurm's controller is down. */
  setDown(down: boolean): void;
  /** The next `count` scancel calls fail, as when Slurm's controller is down for a moment. */
  failScancels(count: number): void;
  /** Every Slurm command run so far, with its arguments. */
  commands: string[][];
  /** Launches allocation `allocationId` as job 7. */
  launch(allocationId: string): Promise<SlurmHandle>;
  /** Lines read from the jobs' output so far. */
  lines: string[];
  /** Called as each line is heard, before the launcher does anything else. */
  onLine?: (line: string) => void;
  /** Appends to allocation `allocationId`'s job's stdout, as its trial would. */
  writeOutput(allocationId: string, text: string): Promise<void>;
  /** Writes the exit record of allocation `allocationId`'s job, as its batch script would. */
  writeRecord(allocationId: string, text: string): Promise<void>;
  close(): Promise<void>;
}

export async function fakeSlurm(): Promise<FakeSlurm> {
  const jobsDir = await mkdtemp(join(tmpdir(), "pushtune-fake-slurm-"));
  let state = "RUNNING";
  let down = false;
  let failingScancels = 0;
  const commands: string[][] = [];
  const runCommand: CommandRunner = async (command, args) => {
    commands.push([command, ...args]);
    if (command === "sbatch") return { code: 0, stdout: "7\n", stderr: "" };
    if (command === "scancel" && failingScancels > 0) {
      failingScancels--;
      return { code: 1, stdout: "", stderr: "scancel: error: Unable to contact slurm controller" };
    }
    if (down && (command === "squeue" || command === "scontrol"))
      return {
        code: 1,
        stdout: "",
        stderr: "slurm_load_jobs error: Unable to contact slurm controller",
      };
    if (command === "squeue") {
      const jobs = [{ job_id: 7, job_state: state, exit_code: 0 }];
      return { code: 0, stdout: JSON.stringify({ jobs }), stderr: "" };
    }
    return { code: 0, stdout: "", stderr: "" };
  };
  const launcher = new SlurmLauncher({ slots: 1, jobsDir, runCommand, tailIntervalMs: 20 });
  const exits: ExitInfo[] = [];
  const lines: string[] = [];
  launcher.attach({
    exited: (_id, info) => exits.push(info),
    log: (_id, _stream, line) => {
      lines.push(line);
      fake.onLine?.(line);
    },
  });
  const fake: FakeSlurm = {
    launcher,
    jobsDir,
    exits,
    setState: (s) => {
      state = s;
    },
    setDown: (d) => {
      down = d;
    },
    failScancels: (count) => {
      failingScancels = count;
    },
    commands,
    launch: async (allocationId) =>
      (await launcher.launch(launchSpec(allocationId))) as SlurmHandle,
    lines,
    writeOutput: (allocationId, text) =>
      appendFile(join(jobsDir, allocationId, "stdout.log"), text),
    writeRecord: (allocationId, text) => writeFile(join(jobsDir, allocationId, "exit"), text),
    async close() {
      await launcher.close();
      await rm(jobsDir, { recursive: true, force: true });
    },
  };
  return fake;
}

/** A one-slot allocation of trial 1 that runs `true`: what the fake Slurm tests launch. */
export function launchSpec(allocationId: string): LaunchSpec {
  return {
    allocationId,
    trialId: 1,
    experimentId: 1,
    workdir: tmpdir(),
    entrypoint: "true",
    env: {},
    slots: 1,
  };
}

export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
}
