/**
 * A trial that prints faster than the master can store its lines waits on
 * its own output: while the master has no room, the local launcher stops
 * reading the trial's pipe, so the trial's writes block once the pipe is
 * full, and nothing is lost once reading goes on.
 */
import { afterEach, expect, test } from "vitest";
import { endTrial, isAlive, type LocalTrial, startTrial, within } from "./support/local-trial.js";

let trial: LocalTrial | null = null;
afterEach(async () => {
  await endTrial(trial);
  trial = null;
});

test("while the master has no room for more lines, the trial's pipe is not read and the trial waits", async () => {
  const total = 2_000_000;
  let held: Promise<void> | null = null;
  let release = () => {};
  trial = await startTrial(`yes | head -n ${total}`, () => held);
  const t = trial;
  // The master runs out of room after the first lines.
  await t.line(() => true);
  held = new Promise((resolve) => {
    release = () => {
      held = null;
      resolve();
    };
  });
  const atHold = t.stdout.length;
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  // At most what was already read when the pipe was paused (a few 64 KiB reads of "y\n").
  expect(t.stdout.length - atHold).toBeLessThan(4 * 32_768);
  expect(t.stdout.length).toBeLessThan(total / 4);
  expect(isAlive(t.pid)).toBe(true);
  expect(await within(t.exit, 300)).toBe("timed out");

  release();
  expect(await within(t.exit, 30_000)).toMatchObject({ exitCode: 0 });
  expect(t.stdout.length).toBe(total);
  expect(t.stdout.every((line) => line === "y")).toBe(true);
});
