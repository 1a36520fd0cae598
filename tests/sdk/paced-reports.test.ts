import { expect, test } from "vitest";
import type { MetricReport } from "../../src/protocol/api/push.js";
import { readTrialEnvironment } from "../../src/sdk/environment.js";
import { FakeMaster } from "../../src/sdk/index.js";
import { PushApi } from "../../src/sdk/push-api.js";
import { LINGER_MS, PushSender } from "../../src/sdk/push-sender.js";
import { openContext } from "./support.js";

const report = (steps: number): MetricReport => ({
  group: "training",
  stepsCompleted: steps,
  metrics: { loss: 1 / steps },
});

test("metrics reported before a checkpoint reach the master before it", async () => {
  const fm = new FakeMaster({ ops: [100] });
  const ctx = await openContext(fm);
  for await (const op of ctx.searcher.operations()) {
    // Held back by pacing until the checkpoint releases them.
    for (let step = 1; step <= 3; step++)
      await ctx.train.reportTrainingMetrics(step, { loss: step });
    await ctx.checkpoint.store({ stepsCompleted: 3 }, () => undefined);
    await ctx.flush();
    await op.reportCompleted(1);
  }
  const kinds = fm.events.map((e) =>
    e.type === "metrics" ? `metrics ${e.report.stepsCompleted}` : e.type,
  );
  expect(kinds.slice(0, 4)).toEqual(["metrics 1", "metrics 2", "metrics 3", "checkpoint"]);
});

test("paced reports go out in full batches, in order, the latest progress riding with the last", async () => {
  const fm = new FakeMaster();
  const api = new PushApi(fm, readTrialEnvironment(fm.env()));
  // Released by the flush: nothing is sent before.
  const sender = new PushSender(api, { minIntervalMs: 60_000, maxBatchReports: 4 });
  for (let steps = 1; steps <= 11; steps++) {
    sender.push({ kind: "metrics", reports: [report(steps)], isolated: false });
    if (steps % 3 === 0) sender.push({ kind: "progress", progress: steps });
  }
  await sender.flush();
  const paths = fm.requests.map((r) => r.path.split("/").at(-1));
  // 1–4, 5–8, 9–11 with the progress.
  expect(paths).toEqual(["metrics", "metrics", "metrics"]);
  expect(fm.trainingMetrics.map((r) => r.stepsCompleted)).toEqual([
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
  ]);
  expect(fm.progress).toEqual([9]);
});

test("the first report after a quiet spell lingers, later ones wait for the interval to be over", async () => {
  const fm = new FakeMaster();
  const api = new PushApi(fm, readTrialEnvironment(fm.env()));
  const sender = new PushSender(api, { minIntervalMs: 60_000 });
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  sender.push({ kind: "metrics", reports: [report(1)], isolated: false });
  await wait(5);
  expect(fm.trainingMetrics).toHaveLength(0); // lingering
  await wait(LINGER_MS + 10);
  expect(fm.trainingMetrics).toHaveLength(1);
  sender.push({ kind: "metrics", reports: [report(2)], isolated: false });
  await wait(60);
  expect(fm.trainingMetrics).toHaveLength(1); // held until the interval is over
  await sender.flush();
  expect(fm.trainingMetrics).toHaveLength(2);
});

test("a short operation's reports and its completion go in one request", async () => {
  const fm = new FakeMaster({ ops: [1] });
  const ctx = await openContext(fm);
  for await (const op of ctx.searcher.operations()) {
    await ctx.train.reportTrainingMetrics(1, { loss: 1 });
    await new Promise((resolve) => setTimeout(resolve, 5)); // the validation
    await ctx.train.reportValidationMetrics(1, { validation_loss: 0.5 });
    await op.reportCompleted(0.5);
  }
  const posts = fm.requests.filter((r) => r.method === "POST").map((r) => r.path);
  expect(posts).toEqual([expect.stringMatching(/\/searcher\/completed_operation$/)]);
  expect(fm.trainingMetrics).toHaveLength(1);
});
