/**
 * A local trial has exited when its main process exits: what it started in
 * the background neither holds its allocation nor outlives it.
 */
import { afterEach, expect, test } from "vitest";
import {
  cleanUp,
  endTrial,
  gone,
  groupMembers,
  isAlive,
  type LocalTrial,
  startTrial,
  within,
} from "./support/local-trial.js";

let trial: LocalTrial | null = null;
const leftOver: number[] = [];
afterEach(async () => {
  for (const pid of leftOver.splice(0)) cleanUp(pid);
  await endTrial(trial);
  trial = null;
});

test("the exit is reported while a background process still holds the output, with the last lines, and the background process is killed", async () => {
  trial = await startTrial("sleep 30 & echo done; exit 0");
  const t = trial;
  // Long before the background sleep would end.
  expect(await within(t.exit, 20_000)).toMatchObject({ exitCode: 0, signal: null });
  expect(t.stdout).toEqual(["done"]);
  expect(await gone(() => groupMembers(t.pid))).toEqual([]);
});

test("a background process with its output sent elsewhere does not outlive the trial", async () => {
  trial = await startTrial("sleep 100 >/dev/null 2>&1 & echo $!; exit 0");
  const t = trial;
  expect(await within(t.exit, 20_000)).toMatchObject({ exitCode: 0 });
  const sleeper = Number(t.stdout[0]);
  leftOver.push(sleeper);
  expect(sleeper).toBeGreaterThan(0);
  expect(await gone(() => [sleeper].filter(isAlive))).toEqual([]);
  expect(await gone(() => groupMembers(t.pid))).toEqual([]);
});

test("a killed trial is reported exited though a process that left its group still holds the output", async () => {
  trial = await startTrial(
    `setsid sh -c 'echo escaped $$; exec sleep 30' & echo ready; while :; do sleep 0.05; done`,
  );
  const t = trial;
  const escaped = Number((await t.line((line) => line.startsWith("escaped "))).split(" ")[1]);
  leftOver.push(escaped);
  await t.line((line) => line === "ready");
  await t.launcher.kill("a1", { pid: t.pid });
  // Long before the escaped sleep would end and close the pipes.
  const exit = await within(t.exit, 20_000);
  expect(exit).not.toBe("timed out");
  expect(exit).toMatchObject({ exitCode: null, signal: "SIGKILL" });
  expect(await gone(() => groupMembers(t.pid))).toEqual([]);
});
