/**
 * The Slurm launcher records how far it has read a job's output, so that a
 * restarted master goes on from there. It records it only once the lines
 * read are stored: a master that dies between reading lines and storing
 * them reads them again after its restart rather than losing them.
 */
import { appendFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import type { CommandRunner } from "../../src/master/launcher/slurm/command-runner.js";
import { SlurmLauncher } from "../../src/master/launcher/slurm/slurm-launcher.js";
import { launchSpec, until } from "./support/fake-slurm.js";

let cleanUp: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanUp?.();
  cleanUp = null;
});

test("the offsets of a job's output are recorded only once the lines read are stored", async () => {
  const jobsDir = await mkdtemp(join(tmpdir(), "pushtune-tail-offsets-"));
  const runCommand: CommandRunner = async (command) => {
    if (command === "sbatch") return { code: 0, stdout: "7\n", stderr: "" };
    if (command === "squeue") {
      const jobs = [{ job_id: 7, job_state: "RUNNING" }];
      return { code: 0, stdout: JSON.stringify({ jobs }), stderr: "" };
    }
    return { code: 0, stdout: "", stderr: "" };
  };
  const launcher = new SlurmLauncher({ slots: 1, jobsDir, runCommand, tailIntervalMs: 20 });
  cleanUp = async () => {
    await launcher.close();
    await rm(jobsDir, { recursive: true, force: true });
  };
  const lines: string[] = [];
  let store = () => {};
  let stored = new Promise<void>((resolve) => {
    store = resolve;
  });
  launcher.attach({
    exited: () => {},
    log: (_id, _stream, line) => lines.push(line),
    logsStored: () => stored,
  });
  await launcher.launch(launchSpec("a"));
  const offsets = async () =>
    JSON.parse(await readFile(join(jobsDir, "a", "tail"), "utf8").catch(() => "{}")) as {
      stdout?: number;
    };

  await appendFile(join(jobsDir, "a", "stdout.log"), "epoch 1\n");
  await until(() => lines.length === 1);
  await new Promise((r) => setTimeout(r, 200));
  // Read, not yet stored: a restart would read "epoch 1" again.
  expect((await offsets()).stdout ?? 0).toBe(0);

  store();
  stored = Promise.resolve();
  const deadline = Date.now() + 5_000;
  while ((await offsets()).stdout !== 8 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  expect((await offsets()).stdout).toBe(8);
  expect(lines).toEqual(["epoch 1"]);
});
