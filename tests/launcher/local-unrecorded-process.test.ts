/**
 * A master that dies after the local launcher started a trial's process,
 * before it stored the pid, leaves the allocation without a handle. Its
 * process outlives the master (it runs in a session of its own), but cannot
 * be adopted: its pipes and its exit were the dead master's. The next
 * master's launcher finds it by the allocation id in its environment and
 * stops it, with what it started (in its group, or in a group of its own),
 * before the trial is launched again.
 */
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterEach, expect, test } from "vitest";
import { LocalLauncher } from "../../src/master/launcher/local-launcher.js";
import { cleanUp, gone, isAlive } from "./support/local-trial.js";

const left: number[] = [];
afterEach(() => {
  for (const pid of left.splice(0)) cleanUp(pid);
});

/** Live processes whose environment names `allocationId`. */
function carrying(allocationId: string): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        const environ = readFileSync(`/proc/${pid}/environ`, "utf8");
        return environ.includes(`PUSHTUNE_ALLOCATION_ID=${allocationId}`) && isAlive(pid);
      } catch {
        return false;
      }
    });
}

test("a trial's process whose master died before storing its pid is found by its allocation and stopped", async () => {
  const allocationId = randomUUID();
  const dead = new LocalLauncher({ slots: 1 });
  dead.attach({ exited: () => {}, log: () => {} });
  await dead.launch({
    allocationId,
    trialId: 1,
    experimentId: 1,
    workdir: tmpdir(),
    // Its shell, a program in its group, and one in a group of its own.
    entrypoint: "setsid sleep 60 & sleep 60",
    env: { PUSHTUNE_ALLOCATION_ID: allocationId },
    slots: 1,
  });
  for (let i = 0; i < 250 && carrying(allocationId).length < 3; i++)
    await new Promise((resolve) => setTimeout(resolve, 20));
  left.push(...carrying(allocationId));
  expect(left).toHaveLength(3);

  const next = new LocalLauncher({ slots: 1 });
  next.attach({ exited: () => {}, log: () => {} });
  expect(await next.recover(allocationId, null)).toBe("stopped");
  expect(await gone(() => carrying(allocationId), 2_000)).toEqual([]);
  await next.close();
});

test("the next master's recovery of another allocation leaves a trial's process alone", async () => {
  const allocationId = randomUUID();
  const running = new LocalLauncher({ slots: 1 });
  running.attach({ exited: () => {}, log: () => {} });
  const { pid } = (await running.launch({
    allocationId,
    trialId: 1,
    experimentId: 1,
    workdir: tmpdir(),
    entrypoint: "sleep 60",
    env: { PUSHTUNE_ALLOCATION_ID: allocationId },
    slots: 1,
  })) as { pid: number };
  left.push(-pid);
  const next = new LocalLauncher({ slots: 1 });
  next.attach({ exited: () => {}, log: () => {} });
  expect(await next.recover(randomUUID(), null)).toBe("stopped");
  expect(isAlive(pid)).toBe(true);
  await running.close();
});
