/**
 * A deleted experiment's Slurm job directories are removed: only a directory
 * under the pool's jobs_dir, and never that of a job the launcher still
 * follows; that one goes once the job ends, under this master or the next.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import { SlurmLauncher } from "../../src/master/launcher/slurm/slurm-launcher.js";
import { type FakeSlurm, fakeSlurm, until } from "./support/fake-slurm.js";

let slurm: FakeSlurm;
beforeEach(async () => {
  slurm = await fakeSlurm();
});
afterEach(() => slurm.close());

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

test("an ended job's directory is removed", async () => {
  const handle = await slurm.launch("a");
  await slurm.writeRecord("a", "0 0\n");
  await until(() => slurm.exits.length > 0);
  expect(await exists(handle.dir)).toBe(true);
  await slurm.launcher.forget(handle);
  expect(await exists(handle.dir)).toBe(false);
  expect(await exists(slurm.jobsDir)).toBe(true);
});

test("a job still followed keeps its directory while it runs", async () => {
  const handle = await slurm.launch("a");
  await slurm.launcher.forget(handle);
  expect(await exists(handle.dir)).toBe(true);
});

test("a directory outside the jobs directory, or the jobs directory itself, is left alone", async () => {
  const elsewhere = await mkdtemp(join(tmpdir(), "pushtune-not-a-job-"));
  try {
    await slurm.launcher.forget({ jobId: "9", dir: elsewhere });
    await slurm.launcher.forget({ jobId: "9", dir: join(slurm.jobsDir, "..") });
    await slurm.launcher.forget({ jobId: "9", dir: slurm.jobsDir });
    expect(await exists(elsewhere)).toBe(true);
    expect(await exists(slurm.jobsDir)).toBe(true);
  } finally {
    await rm(elsewhere, { recursive: true, force: true });
  }
});

test("a job still followed when its experiment is deleted loses its directory once it ends", async () => {
  const handle = await slurm.launch("a");
  await slurm.launcher.forget(handle);
  await slurm.writeRecord("a", "0 0\n");
  await until(() => slurm.exits.length > 0);
  await until(() => !existsSync(handle.dir));
  expect(slurm.exits).toEqual([{ exitCode: 0, signal: null, lost: false }]);
  expect(await exists(slurm.jobsDir)).toBe(true);
});

test("a directory deeper under the jobs directory than a job's own (one per allocation) is left alone", async () => {
  const nested = join(slurm.jobsDir, "other-pool", "job");
  await mkdir(nested, { recursive: true });
  await slurm.launcher.forget({ jobId: "9", dir: nested });
  expect(await exists(nested)).toBe(true);
});

/** A master started after this one stopped: its launcher on the same jobs directory, Slurm knowing no job. */
async function nextMastersLauncher(): Promise<SlurmLauncher> {
  const next = new SlurmLauncher({
    slots: 1,
    jobsDir: slurm.jobsDir,
    runCommand: async () => ({ code: 0, stdout: JSON.stringify({ jobs: [] }), stderr: "" }),
  });
  next.attach({ exited: () => {}, log: () => {} });
  await next.swept;
  return next;
}

test("a deleted experiment's job that ends after its master stopped loses its directory when the next master starts", async () => {
  const forgotten = await slurm.launch("a");
  await slurm.launcher.forget(forgotten);
  const kept = await slurm.launch("b"); // a job of an experiment still there
  await slurm.launcher.close();
  await slurm.writeRecord("a", "0 0\n");
  await slurm.writeRecord("b", "0 0\n");
  const next = await nextMastersLauncher();
  try {
    expect(await exists(forgotten.dir)).toBe(false);
    expect(await exists(kept.dir)).toBe(true);
  } finally {
    await next.close();
  }
});

test("a deleted experiment's job still running when the next master starts keeps its directory", async () => {
  const forgotten = await slurm.launch("a");
  await slurm.launcher.forget(forgotten);
  await slurm.launcher.close();
  const next = await nextMastersLauncher();
  try {
    expect(await exists(forgotten.dir)).toBe(true);
  } finally {
    await next.close();
  }
});

test("a deleted experiment's job still running that the next master adopts loses its directory once it ends", async () => {
  const forgotten = await slurm.launch("a");
  await slurm.launcher.forget(forgotten);
  await slurm.launcher.close();
  const exits: unknown[] = [];
  const next = new SlurmLauncher({
    slots: 1,
    jobsDir: slurm.jobsDir,
    tailIntervalMs: 20,
    runCommand: async (command) =>
      command === "squeue"
        ? {
            code: 0,
            stdout: JSON.stringify({ jobs: [{ job_id: 7, job_state: "RUNNING" }] }),
            stderr: "",
          }
        : { code: 0, stdout: "", stderr: "" },
  });
  next.attach({ exited: (_id, info) => exits.push(info), log: () => {} });
  try {
    expect(await next.recover("a", forgotten)).toBe("adopted");
    await slurm.writeRecord("a", "137 0\n");
    await until(() => exits.length > 0);
    await until(() => !existsSync(forgotten.dir));
  } finally {
    await next.close();
  }
});
