/**
 * A trial process that asks for its next trial is answered by one scheduling
 * pass: the pass its trial's end asks for (a new trial for the searcher, the
 * slot it frees) reads nothing the handover's own pass did not, and is not
 * run again after it. A completion runs a pass only while trials wait for
 * slots: once a pass has started every trial that waited, none does.
 */
import { afterEach, expect, test } from "vitest";
import { ashaConfig } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";
import { running, TrialHandle } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

test("each handover of a random search's trials costs one scheduling pass", async () => {
  tm = await startTestMaster({ slots: 1 });
  const res = await tm.admin.post<{ id: number }>("/experiments", {
    config: {
      name: "handover-passes",
      entrypoint: "node train.js",
      hyperparameters: { lr: { type: "log", minval: -4, maxval: -1, base: 10 } },
      searcher: {
        name: "random",
        metric: "validation_loss",
        max_length: { batches: 10 },
        max_trials: 5,
        max_concurrent_trials: 1,
      },
    },
    workdir: "/tmp",
  });
  expect(res.status).toBe(201);
  await tm.settle();
  let spec = running(tm)[0]!;
  const passes: number[] = [];
  for (let handovers = 0; handovers < 4; handovers++) {
    const t = new TrialHandle(tm, spec);
    expect((await t.complete(10, 0.5)).status).toBe(200);
    await tm.settle();
    const before = tm.master.supervisor.passesRun;
    const next = await tm
      .as(spec.env.PUSHTUNE_TOKEN!)
      .post<{ env: Record<string, string> }>(`/allocations/${spec.allocationId}/next_trial`);
    expect(next.status).toBe(200);
    await tm.settle();
    passes.push(tm.master.supervisor.passesRun - before);
    spec = {
      ...spec,
      env: next.body.env,
      trialId: Number(next.body.env.PUSHTUNE_TRIAL_ID),
      allocationId: next.body.env.PUSHTUNE_ALLOCATION_ID!,
    };
  }
  expect(passes).toEqual([1, 1, 1, 1]);
});

test("once a pass has started every waiting trial, a completion runs no pass", async () => {
  tm = await startTestMaster({ slots: 2 });
  // stop_once: a trial that reports ever better goes on to its next rung at once, in its slot.
  const id = await createExperiment(
    tm,
    ashaConfig({}, { max_trials: 1, max_concurrent_trials: 1, num_rungs: 4, stop_once: true }),
  );
  await tm.settle();
  const t = new TrialHandle(tm, running(tm)[0]!);
  const before = tm.master.supervisor.passesRun;
  const lengths: number[] = [];
  for (let op = await t.op(); op.op !== null; op = await t.op()) {
    lengths.push(op.op.length);
    expect((await t.complete(op.op.length, 1 / (1 + lengths.length))).status).toBe(200);
    await tm.settle();
  }
  expect(lengths).toHaveLength(4);
  // Its last completion closes it, and its exit is what frees its slot.
  expect(tm.master.supervisor.passesRun).toBe(before);
  expect((await tm.store.getExperiment(id))!.state).toBe("ACTIVE");
});
