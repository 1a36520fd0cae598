/**
 * A process under trials() that checkpointed and acknowledged a stop the
 * master asked for keeps both back for its ask for the next trial. A SIGTERM
 * while that ask is still unanswered (the master is down for a moment) must
 * not lose them: the trial would resume from an older checkpoint.
 */
import { expect, test } from "vitest";
import { fakeMaster, SDK_ENTRY, startTrialScript } from "./trial-script.js";

test("a SIGTERM while the ask for the next trial goes unanswered still delivers the checkpoint and acknowledgement it carries", async () => {
  const { fm, master } = await fakeMaster();
  fm.preempt();
  const { child, exited } = await startTrialScript(
    master,
    `import { trials } from ${SDK_ENTRY};
const options = { backoff: { initialMs: 20, maxMs: 100 }, log: () => {} };
const all = trials(options);
const ctx = (await all.next()).value;
while (!ctx.preempt.shouldPreempt()) await new Promise((r) => setTimeout(r, 10));
await ctx.checkpoint.store({ stepsCompleted: 20 }, () => {});
await ctx.preempt.acknowledge();
console.log("ready");
await new Promise((r) => process.stdin.once("data", r));
setInterval(() => {}, 1000);
await all.next(); // the body ends: the process asks for its next trial
`,
  );

  fm.down(); // the ask gets 503 and is repeated
  child.stdin.write("go\n");
  while (!master.received.some((r) => r.endsWith("/next_trial")))
    await new Promise((r) => setTimeout(r, 10));
  child.kill("SIGTERM");
  setTimeout(() => fm.up(), 300);
  await exited;

  expect(fm.checkpoints.map((c) => c.stepsCompleted)).toEqual([20]);
});
