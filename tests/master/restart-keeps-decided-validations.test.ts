/**
 * A trial that restarts from a checkpoint taken before the end of an
 * operation it completed (promoted straight on, it crashed before its next
 * checkpoint) keeps the validation that operation was decided on: the new
 * run trains past that length without stopping to validate there again, so
 * hiding it would lose the record the searcher acted on. What else the old
 * run reported past the checkpoint is hidden, as before.
 */
import { afterEach, expect, test } from "vitest";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { running, trial } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

interface Row {
  group: string;
  stepsCompleted: number;
  runId: number;
  metrics: Record<string, number>;
}

async function rows(trialId: number): Promise<Row[]> {
  const res = await tm.admin.get<{ metrics: Row[] }>(`/trials/${trialId}/metrics`);
  return res.body.metrics.map(({ group, stepsCompleted, runId, metrics }) => ({
    group,
    stepsCompleted,
    runId,
    metrics,
  }));
}

test("a restart keeps the validation of an operation its trial completed past its checkpoint", async () => {
  tm = await startTestMaster({ slots: 3 });
  const created = await tm.admin.post<{ id: number }>("/experiments", {
    config: ashaConfig({ max_restarts: 3 }, { max_trials: 3 }),
    workdir: "/tmp",
  });
  expect(created.status).toBe(201);
  await tm.settle();
  const [a, b, c] = running(tm)
    .map((s) => s.trialId)
    .sort((x, y) => x - y);
  // Two worse results first; the third is the rung's best and is promoted at once.
  for (const [id, loss] of [
    [b!, 0.9],
    [c!, 0.8],
  ] as const) {
    await trial(tm, id).metrics("training", 100, { loss });
    await trial(tm, id).complete(100, loss);
  }
  const first = trial(tm, a!);
  await first.metrics("training", 100, { loss: 0.2 });
  const done = await first.complete(100, 0.1);
  expect(done.body).toMatchObject({ op: { length: 300 } });
  // It trains on toward 300 with no checkpoint, and crashes.
  await first.metrics("training", 200, { loss: 0.15 });
  await first.exit(1);
  await tm.settle();

  const second = trial(tm, a!);
  expect(second.runId).toBe(first.runId + 1);
  expect(await rows(a!)).toEqual([
    {
      group: "validation",
      stepsCompleted: 100,
      runId: first.runId,
      metrics: { validation_loss: 0.1 },
    },
  ]);
  // The new run trains from scratch to 300; its own rows stand beside the kept one.
  await second.metrics("training", 100, { loss: 0.25 });
  expect((await rows(a!)).map((r) => [r.group, r.stepsCompleted, r.runId])).toEqual([
    ["validation", 100, first.runId],
    ["training", 100, second.runId],
  ]);
  // Had it validated at 100 again, with another value, its report would take the kept one's place.
  expect((await second.metrics("validation", 100, { validation_loss: 0.11 })).status).toBe(200);
  expect((await rows(a!)).filter((r) => r.group === "validation")).toEqual([
    {
      group: "validation",
      stepsCompleted: 100,
      runId: second.runId,
      metrics: { validation_loss: 0.11 },
    },
  ]);
});
