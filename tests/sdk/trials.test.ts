/**
 * `trials()`: one process, trial after trial. Each context is closed (its
 * reports delivered) before the master is asked for the next trial; the
 * environment follows the trial being run; off-cluster there is one trial.
 */
import { expect, test } from "vitest";
import { FakeMaster, trials } from "../../src/sdk/index.js";
import { startOneProcessSearch } from "./one-process-search.js";
import { RecordingTrainer } from "./recording-trainer.js";
import { fastBackoff } from "./support.js";

const quiet = { handleExitSignals: false, backoff: fastBackoff, log: () => {} } as const;

test("each trial's reports are delivered before the next trial is asked for; a fake master has one", async () => {
  const fm = new FakeMaster({ ops: [10] });
  const seen: number[] = [];
  for await (const ctx of trials({ ...quiet, transport: fm, env: fm.env() })) {
    seen.push(ctx.trialId);
    fm.down(); // nothing gets through until the context is closed
    for (let step = 1; step <= 10; step++) await ctx.train.reportTrainingMetrics(step, { loss: 1 });
    setTimeout(() => fm.up(), 20);
  }
  expect(seen).toEqual([Number(fm.env().PUSHTUNE_TRIAL_ID)]);
  const kinds = fm.events.map((e) => e.type);
  expect(kinds.filter((k) => k === "metrics")).toHaveLength(10);
  expect(kinds.at(-1)).toBe("nextTrial");
});

test("an ask whose answer is lost is asked again", async () => {
  const fm = new FakeMaster({ ops: [10] });
  let asked = 0;
  for await (const ctx of trials({ ...quiet, transport: fm, env: fm.env() })) {
    await ctx.train.reportTrainingMetrics(1, { loss: 1 });
    await ctx.flush();
    fm.failNext(2, { afterApplying: true }); // the ask lands twice, its answers are lost
    asked += 1;
  }
  expect(asked).toBe(1);
  expect(fm.events.filter((e) => e.type === "nextTrial")).toHaveLength(3);
});

test("a loop body that throws closes its context and asks for no other trial", async () => {
  const fm = new FakeMaster({ ops: [10] });
  const run = async () => {
    for await (const ctx of trials({ ...quiet, transport: fm, env: fm.env() })) {
      await ctx.train.reportTrainingMetrics(1, { loss: 1 });
      throw new Error("the model diverged");
    }
  };
  await expect(run()).rejects.toThrow("the model diverged");
  expect(fm.events.map((e) => e.type)).toEqual(["metrics"]);
});

test("off the cluster there is one trial, the dry run", async () => {
  const lines: string[] = [];
  const seen: boolean[] = [];
  for await (const ctx of trials({
    env: {},
    handleExitSignals: false,
    log: (line) => lines.push(line),
    dryRun: { hparams: { lr: 0.1 }, maxLength: 5 },
  })) {
    seen.push(ctx.dryRun);
    await new RecordingTrainer().fit({ ctx });
  }
  expect(seen).toEqual([true]);
  expect(lines.some((l) => l.includes("operation 5 completed"))).toBe(true);
});

test("on the master, one process plays every trial of a random search", async () => {
  const search = await startOneProcessSearch(3);
  const { tm, env, transport } = search;
  try {
    const trained: [number, number][] = [];
    const asks: string[] = [];
    for await (const ctx of trials({
      ...quiet,
      env,
      transport: {
        request(method, path, body, options) {
          if (path.includes("/searcher/operation")) asks.push(path);
          return transport.request(method, path, body, options);
        },
      },
    })) {
      expect(ctx.trialId).toBe(Number(env.PUSHTUNE_TRIAL_ID));
      const trainer = new RecordingTrainer();
      const result = await trainer.fit({ ctx });
      expect(result.outcome).toBe("completed");
      trained.push([ctx.trialId, trainer.trained.length]);
    }
    // The process ends its last trial by exiting.
    await search.exit();

    expect(trained).toEqual([
      [1, 20],
      [2, 20],
      [3, 20],
    ]);
    expect(tm.launcher.launched).toHaveLength(1);
    // Each trial's environment said its operation, and its completion's answer that it ends.
    expect(asks).toEqual([]);
    expect(env.PUSHTUNE_OPERATION).toBeUndefined(); // taken by the context that used it
    expect(await search.experiment()).toMatchObject({
      state: "COMPLETED",
      trialCounts: { COMPLETED: 3 },
    });
  } finally {
    await tm.close();
  }
});
