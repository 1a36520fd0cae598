/**
 * A job's end is read once: when its exit record appears while an `squeue`
 * that will call it ended is under way, the record ends it and the poll,
 * answered later, finds it ended already.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import type { ExitInfo } from "../../src/master/launcher/launcher.js";
import type { CommandRunner } from "../../src/master/launcher/slurm/command-runner.js";
import { SlurmLauncher } from "../../src/master/launcher/slurm/slurm-launcher.js";
import { launchSpec, until } from "./support/fake-slurm.js";

test("a job whose exit record appears during an squeue that calls it ended ends once", async () => {
  const jobsDir = await mkdtemp(join(tmpdir(), "pushtune-exit-race-"));
  let squeues = 0;
  const runCommand: CommandRunner = async (command) => {
    if (command === "sbatch") return { code: 0, stdout: "7\n", stderr: "" };
    if (command !== "squeue") return { code: 0, stdout: "", stderr: "" };
    squeues++;
    // The batch script ends while Slurm answers: the tail loop reads its record first.
    await writeFile(join(jobsDir, "a", "exit"), "0 0\n");
    await new Promise((r) => setTimeout(r, 200));
    const jobs = [{ job_id: 7, job_state: "COMPLETED", exit_code: 0 }];
    return { code: 0, stdout: JSON.stringify({ jobs }), stderr: "" };
  };
  const launcher = new SlurmLauncher({
    slots: 1,
    jobsDir,
    runCommand,
    tailIntervalMs: 20,
    pollIntervalMs: 50,
  });
  const exits: ExitInfo[] = [];
  launcher.attach({ exited: (_id, info) => exits.push(info), log: () => {} });
  try {
    await launcher.launch(launchSpec("a"));
    await until(() => squeues > 0 && exits.length > 0);
    // Past the squeue's answer, and the poll that would follow it.
    await new Promise((r) => setTimeout(r, 400));
    expect(exits).toEqual([{ exitCode: 0, signal: null, lost: false }]);
  } finally {
    await launcher.close();
    await rm(jobsDir, { recursive: true, force: true });
  }
});
