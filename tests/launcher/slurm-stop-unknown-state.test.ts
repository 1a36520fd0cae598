/**
 * Stopping a job asks Slurm whether it runs: a queued job is cancelled (it has
 * no process to signal), a running one is sent SIGTERM to checkpoint. When
 * Slurm cannot say (its controller is down), a job seen running before is
 * still signalled, never cancelled with the work it did since its checkpoint.
 */
import { afterEach, beforeEach, expect, test } from "vitest";
import { type FakeSlurm, fakeSlurm, until } from "./support/fake-slurm.js";

let slurm: FakeSlurm;

beforeEach(async () => {
  slurm = await fakeSlurm();
  await slurm.launch("a");
});

afterEach(() => slurm.close());

const scancels = () => slurm.commands.filter(([command]) => command === "scancel");

test("a job seen running is signalled when Slurm cannot say how it is", async () => {
  // A poll sees it RUNNING.
  await until(() => slurm.commands.some(([command]) => command === "squeue"));
  await new Promise((r) => setTimeout(r, 20));
  slurm.setDown(true);
  await new Promise((r) => setTimeout(r, 1100)); // the queue's last answer is stale now
  await slurm.launcher.terminate("a", null);
  expect(scancels()).toEqual([["scancel", "--batch", "--signal=TERM", "7"]]);
});

test("a job whose output appeared is signalled when Slurm cannot say how it is", async () => {
  slurm.setDown(true);
  // Stopped the moment its first line is heard: the line is proof enough that it runs.
  let stopped: Promise<void> | null = null;
  slurm.onLine = () => {
    stopped ??= slurm.launcher.terminate("a", null);
  };
  await slurm.writeOutput("a", "epoch 1\n");
  await until(() => stopped !== null);
  await stopped;
  expect(scancels()).toEqual([["scancel", "--batch", "--signal=TERM", "7"]]);
});

test("a job never seen running is cancelled when Slurm cannot say how it is", async () => {
  slurm.setDown(true);
  await slurm.launcher.terminate("a", null);
  expect(scancels()).toEqual([["scancel", "7"]]);
});

test("a queued job is cancelled", async () => {
  slurm.setState("PENDING");
  await slurm.launcher.terminate("a", null);
  expect(scancels()).toEqual([["scancel", "7"]]);
});

test("a stop whose scancel fails is tried again until Slurm takes it, each failure in the trial's log", async () => {
  slurm.failScancels(2);
  await slurm.launcher.kill("a", null);
  await until(() => scancels().length === 3);
  expect(scancels()).toEqual([
    ["scancel", "7"],
    ["scancel", "7"],
    ["scancel", "7"],
  ]);
  expect(slurm.lines.filter((l) => l.includes("scancel 7 failed"))).toHaveLength(2);
});
