/**
 * What SIGTERM does to a trial process that does not stop by itself: what it
 * reported reaches the master before the process ends, whether it never
 * looks at preemption (it ends at the first SIGTERM), or goes on after a
 * SIGTERM it took as a preemption, also one that came after the master told
 * it to stop (its reports are sent at once; the next SIGTERM ends it). A
 * trial still saving the checkpoint of a stop the master asked for when the
 * master's SIGTERM comes finishes its stop.
 */
import type { ChildProcess } from "node:child_process";
import { expect, test } from "vitest";
import type { HttpFakeMaster } from "./http-fake-master.js";
import { fakeMaster, SDK_ENTRY, startTrialScript } from "./trial-script.js";

/**
 * A trial process that reports 20 training steps, runs `then` (its last
 * word printed as `ready`), and never ends by itself.
 */
function trialProcess(
  master: HttpFakeMaster,
  then: string,
  opening = "const ctx = await init(options);",
) {
  return startTrialScript(
    master,
    `import { init, trials } from ${SDK_ENTRY};
const options = { backoff: { initialMs: 20, maxMs: 100 }, log: () => {} };
${opening}
for (let step = 1; step <= 20; step++) await ctx.train.reportTrainingMetrics(step, { loss: step });
${then}
console.log("ready");
setInterval(() => {}, 1000); // a training loop that never ends by itself
`,
  );
}

const allSteps = Array.from({ length: 20 }, (_, i) => i + 1);

/**
 * Sends the trial `child` a SIGTERM it takes as a stop, with the master down
 * for a moment: its reports reach the master and it runs on; the next
 * SIGTERM ends it.
 */
async function stopsAtFirstSigtermEndsAtSecond(
  fm: HttpFakeMaster["fm"],
  child: ChildProcess,
  exited: Promise<NodeJS.Signals | null>,
): Promise<void> {
  fm.down();
  child.kill("SIGTERM");
  setTimeout(() => fm.up(), 300);
  await new Promise((r) => setTimeout(r, 500)); // two signals at once would be one
  while (fm.trainingMetrics.length < 20) await new Promise((r) => setTimeout(r, 20));
  expect(fm.trainingMetrics.map((r) => r.stepsCompleted)).toEqual(allSteps);
  expect([child.exitCode, child.signalCode]).toEqual([null, null]);
  child.kill("SIGTERM");
  expect(await exited).toBe("SIGTERM");
}

test("on SIGTERM a trial that never looks at preemption delivers what it still holds, then exits by that signal", async () => {
  const { fm, master } = await fakeMaster();
  fm.down(); // answers 503: every report stays queued in the trial
  const { child, exited } = await trialProcess(master, "");
  expect(fm.trainingMetrics).toHaveLength(0);

  child.kill("SIGTERM");
  setTimeout(() => fm.up(), 300);
  expect(await exited).toBe("SIGTERM");
  expect(fm.trainingMetrics.map((r) => r.stepsCompleted)).toEqual(allSteps);
});

test("a trial the master told to stop that still runs at SIGTERM has delivered its reports; the next SIGTERM ends it", async () => {
  const { fm, master } = await fakeMaster();
  fm.preempt();
  const { child, exited } = await trialProcess(
    master,
    `while (!ctx.preempt.shouldPreempt()) await new Promise((r) => setTimeout(r, 10));`,
  );
  await stopsAtFirstSigtermEndsAtSecond(fm, child, exited);
});

test("a trial still saving the checkpoint of a stop the master asked for when SIGTERM comes finishes its stop and exits 0", async () => {
  const { fm, master } = await fakeMaster();
  fm.preempt();
  const { child, exited } = await startTrialScript(
    master,
    `import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { init } from ${SDK_ENTRY};
const ctx = await init({ backoff: { initialMs: 20, maxMs: 100 }, log: () => {} });
while (!ctx.preempt.shouldPreempt()) await new Promise((r) => setTimeout(r, 10));
console.log("ready");
await ctx.checkpoint.store({ stepsCompleted: 20 }, async (dir) => {
  await new Promise((r) => setTimeout(r, 500)); // a slow save
  await writeFile(join(dir, "w.json"), "20");
});
await ctx.preempt.acknowledge();
await ctx.close();
`,
  );
  child.kill("SIGTERM"); // the master's, half a preemption timeout after it asked
  expect(await exited).toBeNull();
  expect(child.exitCode).toBe(0);
  expect(fm.checkpoints.map((c) => c.stepsCompleted)).toEqual([20]);
  expect(fm.preemptionAcks).toBe(1);
});

test("a trial that goes on after a SIGTERM taken as a preemption has delivered its reports; the next SIGTERM ends it", async () => {
  const { fm, master } = await fakeMaster();
  fm.down(); // its reports stay queued until the SIGTERM
  // It watches for preemption (so SIGTERM is one), and ignores it.
  const { child, exited } = await trialProcess(master, "ctx.preempt.shouldPreempt();");
  await stopsAtFirstSigtermEndsAtSecond(fm, child, exited);
});

test("a process running trial after trial that checkpointed and acknowledged a stop the master asked for delivers both at the first SIGTERM; the next ends it", async () => {
  const { fm, master } = await fakeMaster();
  fm.preempt();
  // Told to stop under trials(): the checkpoint and the acknowledgement wait for the ask
  // for the next trial, which the SIGTERM comes before.
  const { child, exited } = await trialProcess(
    master,
    `while (!ctx.preempt.shouldPreempt()) await new Promise((r) => setTimeout(r, 10));
await ctx.checkpoint.store({ stepsCompleted: 20 }, () => {});
await ctx.preempt.acknowledge();`,
    "const ctx = (await trials(options).next()).value;",
  );
  child.kill("SIGTERM"); // a stop it hears: what was kept back for the ask goes now
  while (fm.preemptionAcks === 0) await new Promise((r) => setTimeout(r, 20));
  expect(fm.checkpoints.map((c) => c.stepsCompleted)).toEqual([20]);
  expect([child.exitCode, child.signalCode]).toEqual([null, null]);
  child.kill("SIGTERM");
  expect(await exited).toBe("SIGTERM");
  expect(fm.checkpoints.map((c) => c.stepsCompleted)).toEqual([20]);
  expect(fm.preemptionAcks).toBe(1);
  expect(fm.events.map((e) => e.type)).not.toContain("nextTrial");
});
