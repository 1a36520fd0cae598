import { expect, test } from "vitest";
import { FakeMaster } from "../../src/sdk/index.js";
import { openContext } from "./support.js";

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
