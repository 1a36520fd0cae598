import { expect, test } from "vitest";
import type { MetricReport } from "../../src/protocol/api/push.js";
import { readTrialEnvironment } from "../../src/sdk/environment.js";
import { FakeMaster } from "../../src/sdk/index.js";
import { PushApi } from "../../src/sdk/push-api.js";
import { PushSender } from "../../src/sdk/push-sender.js";
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
    // The first report goes out at once; the next ones are held back by pacing.
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

test("paced reports go out in full batches, in order, with the latest progress after them", async () => {
  const fm = new FakeMaster();
  const api = new PushApi(fm, readTrialEnvironment(fm.env()));
  // One pacing interval for the whole test: everything after the first push is held.
  const sender = new PushSender(api, { minIntervalMs: 60_000, maxBatchReports: 4 });
  for (let steps = 1; steps <= 11; steps++) {
    sender.push({ kind: "metrics", reports: [report(steps)], isolated: false });
    if (steps % 3 === 0) sender.push({ kind: "progress", progress: steps });
  }
  await sender.flush();
  const paths = fm.requests.map((r) => r.path.split("/").at(-1));
  // The first report at once; then 2–5, 6–9, 10–11; then the progress.
  expect(paths).toEqual(["metrics", "metrics", "metrics", "metrics", "progress"]);
  expect(fm.trainingMetrics.map((r) => r.stepsCompleted)).toEqual([
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
  ]);
  expect(fm.progress).toEqual([9]);
});
