/**
 * A job whose batch script wrote its exit record ends at once, without
 * waiting for Slurm to call it ended: its slot is free within a tail
 * interval. One the script saw a SIGTERM nobody at the master sent waits for
 * Slurm's word, which tells an outside `scancel` from the cluster's signal.
 */
import { afterEach, beforeEach, expect, test } from "vitest";
import { type FakeSlurm, fakeSlurm, until } from "./support/fake-slurm.js";

let slurm: FakeSlurm;

beforeEach(async () => {
  slurm = await fakeSlurm();
  await slurm.launch("a");
});

afterEach(() => slurm.close());

test("a job whose trial exited ends by its exit record while Slurm still lists it as running", async () => {
  await slurm.writeRecord("a", "3 0\n");
  await until(() => slurm.exits.length > 0);
  expect(slurm.exits).toEqual([{ exitCode: 3, signal: null, lost: false }]);
  // Slurm never said it ended: the record alone ended it, once.
  await new Promise((r) => setTimeout(r, 100));
  expect(slurm.exits).toHaveLength(1);
});

test("a job the master stopped ends by its exit record", async () => {
  await slurm.launcher.terminate("a", null);
  await slurm.writeRecord("a", "0 1\n");
  await until(() => slurm.exits.length > 0);
  expect(slurm.exits).toEqual([{ exitCode: 0, signal: null, lost: false }]);
});

test("a SIGTERM the master did not send waits for Slurm to say whose it was", async () => {
  await slurm.writeRecord("a", "0 1\n");
  await new Promise((r) => setTimeout(r, 200));
  expect(slurm.exits).toEqual([]);
  slurm.setState("CANCELLED");
  await until(() => slurm.exits.length > 0);
  // Cancelled from outside: a failure of the run, not a clean end.
  expect(slurm.exits).toEqual([{ exitCode: null, signal: "SIGTERM", lost: false }]);
});
