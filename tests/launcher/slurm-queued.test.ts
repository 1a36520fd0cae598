/**
 * Whether a job is still queued, as a trial's views show it: queued until a
 * poll sees it leave PENDING or its output appears.
 */
import { afterEach, expect, test } from "vitest";
import { type FakeSlurm, fakeSlurm, until } from "./support/fake-slurm.js";

let slurm: FakeSlurm;
afterEach(() => slurm.close());

test("a job is queued until Slurm lists it running", async () => {
  slurm = await fakeSlurm();
  slurm.setState("PENDING");
  await slurm.launch("a");
  expect(slurm.launcher.queued("a")).toBe(true);
  await until(() => slurm.commands.some(([command]) => command === "squeue"));
  expect(slurm.launcher.queued("a")).toBe(true);
  slurm.setState("RUNNING");
  await until(() => !slurm.launcher.queued("a"));
  expect(slurm.launcher.queued("b")).toBe(false); // not its job
});

test("a job whose output appeared is not queued, whatever Slurm says", async () => {
  slurm = await fakeSlurm();
  slurm.setDown(true);
  await slurm.launch("a");
  expect(slurm.launcher.queued("a")).toBe(true);
  await slurm.writeOutput("a", "epoch 1\n");
  await until(() => !slurm.launcher.queued("a"));
});
