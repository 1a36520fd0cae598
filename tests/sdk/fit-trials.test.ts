/**
 * `fitTrials()`: trial after trial with a Trainer, a fresh one for each trial,
 * each torn down before the next is made; and the `teardown` hook that every
 * fit runs, however it ends.
 */
import { expect, test } from "vitest";
import { FakeMaster, fitTrials } from "../../src/sdk/index.js";
import { startOneProcessSearch } from "./one-process-search.js";
import { RecordingTrainer } from "./recording-trainer.js";
import { fastBackoff, openContext } from "./support.js";

const quiet = { handleExitSignals: false, backoff: fastBackoff } as const;

/** A RecordingTrainer that writes what happens to it, in order, into `journal`. */
function journaled(journal: string[], name: string, options = {}) {
  const trainer = new RecordingTrainer({
    ...options,
    onSetup: (ctx) => {
      journal.push(`${name} setup trial ${ctx.trialId}`);
    },
  });
  return Object.assign(trainer, {
    teardown() {
      journal.push(`${name} teardown after ${trainer.trained.length} batches`);
    },
  });
}

test("on the master, each trial gets a fresh trainer, torn down before the next is made", async () => {
  const search = await startOneProcessSearch(3);
  try {
    const journal: string[] = [];
    const lines: string[] = [];
    let made = 0;
    const results = await fitTrials(() => journaled(journal, `trainer ${++made}`), {
      ...quiet,
      env: search.env,
      transport: search.transport,
      log: (line) => lines.push(line),
    });
    await search.exit();

    expect(journal).toEqual([
      "trainer 1 setup trial 1",
      "trainer 1 teardown after 20 batches",
      "trainer 2 setup trial 2",
      "trainer 2 teardown after 20 batches",
      "trainer 3 setup trial 3",
      "trainer 3 teardown after 20 batches",
    ]);
    expect(results).toEqual([
      { outcome: "completed", batches: 20 },
      { outcome: "completed", batches: 20 },
      { outcome: "completed", batches: 20 },
    ]);
    expect(lines).toEqual([
      "pushtune: trial 1 completed after 20 batches",
      "pushtune: trial 2 completed after 20 batches",
      "pushtune: trial 3 completed after 20 batches",
    ]);
    expect(search.tm.launcher.launched).toHaveLength(1);
    expect(await search.experiment()).toMatchObject({
      state: "COMPLETED",
      trialCounts: { COMPLETED: 3 },
    });
  } finally {
    await search.tm.close();
  }
});

test("a fit that throws is torn down, ends the loop and asks for no other trial", async () => {
  const fm = new FakeMaster({ ops: [10] });
  const journal: string[] = [];
  const run = fitTrials(
    () =>
      Object.assign(
        journaled(journal, "trainer", {
          onBatch: (i: number) => {
            if (i === 3) throw new Error("the model diverged");
          },
        }),
        {
          teardown() {
            journal.push("teardown");
            throw new Error("teardown failed too");
          },
        },
      ),
    { ...quiet, transport: fm, env: fm.env(), log: () => {} },
  );
  // The trainer's error, not the teardown's.
  await expect(run).rejects.toThrow("the model diverged");
  expect(journal).toEqual([`trainer setup trial ${fm.env().PUSHTUNE_TRIAL_ID}`, "teardown"]);
  expect(fm.events.some((e) => e.type === "nextTrial")).toBe(false);
});

test("fit() tears its trainer down once, after everything it reported is delivered", async () => {
  const fm = new FakeMaster({ ops: [10] });
  const ctx = await openContext(fm);
  const journal: string[] = [];
  const trainer = journaled(journal, "trainer");
  const teardown = trainer.teardown.bind(trainer);
  trainer.teardown = () => {
    teardown();
    journal.push(`${fm.events.filter((e) => e.type === "completedOperation").length} completion`);
  };
  await trainer.fit({ ctx });
  await ctx.close();
  expect(journal).toEqual([
    `trainer setup trial ${ctx.trialId}`,
    "trainer teardown after 10 batches",
    "1 completion",
  ]);
});

test("off the cluster, fitTrials fits the one dry-run trial", async () => {
  const lines: string[] = [];
  let made = 0;
  const results = await fitTrials(
    () => {
      made += 1;
      return new RecordingTrainer();
    },
    {
      env: {},
      handleExitSignals: false,
      log: (line) => lines.push(line),
      dryRun: { hparams: { lr: 0.1 }, maxLength: 5 },
    },
  );
  expect(made).toBe(1);
  expect(results).toEqual([{ outcome: "completed", batches: 5 }]);
  expect(lines.at(-1)).toMatch(/^pushtune: trial \d+ completed after 5 batches$/);
});
