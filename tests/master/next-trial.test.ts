/**
 * A trial process that finished its trial asks for the next one
 * (`POST /allocations/{id}/next_trial`): the master ends its allocation as an
 * exit 0 would, and hands the process the next waiting trial of the same
 * experiment instead of launching a new one.
 */
import { afterEach, expect, test } from "vitest";
import type { LaunchSpec } from "../../src/master/launcher/launcher.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { running, TrialHandle } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

const randomConfig = (maxTrials: number) => ({
  name: "next-trial",
  entrypoint: "node train.js",
  hyperparameters: { lr: { type: "log", minval: -4, maxval: -1, base: 10 } },
  searcher: {
    name: "random",
    metric: "validation_loss",
    max_length: { batches: 100 },
    max_trials: maxTrials,
    max_concurrent_trials: 2,
  },
  reproducibility: { experiment_seed: 3 },
});

async function experiment(maxTrials: number, slots: number) {
  tm = await startTestMaster({ slots, preemptionTimeoutSeconds: 0.3 });
  const res = await tm.admin.post<{ id: number }>("/experiments", {
    config: randomConfig(maxTrials),
    workdir: "/tmp",
  });
  expect(res.status).toBe(201);
  await tm.settle();
  return res.body.id;
}

type NextTrial = { env: Record<string, string> | null };

/** Asks for the next trial as the process running `spec` would. */
async function askNext(spec: LaunchSpec, body?: unknown) {
  const res = await tm
    .as(spec.env.PUSHTUNE_TOKEN!)
    .post<NextTrial>(`/allocations/${spec.allocationId}/next_trial`, body);
  await tm.settle();
  return res;
}

/** A checkpoint of 40 batches the process running `spec` took. */
function checkpointOf(spec: LaunchSpec, uuid: string) {
  return {
    uuid,
    trialId: spec.trialId,
    stepsCompleted: 40,
    resources: { "model.bin": 3 },
    metadata: {},
  };
}

/** The spec the process now runs under, as `trials()` builds it from the answer. */
function handedTo(spec: LaunchSpec, env: Record<string, string>): LaunchSpec {
  return {
    ...spec,
    env,
    trialId: Number(env.PUSHTUNE_TRIAL_ID),
    allocationId: env.PUSHTUNE_ALLOCATION_ID!,
  };
}

test("one process runs trial after trial of its experiment, then exits when none is left", async () => {
  const id = await experiment(3, 1);
  let spec = running(tm)[0]!;
  // A launched trial is told its operation too.
  expect(JSON.parse(spec.env.PUSHTUNE_OPERATION!)).toEqual({
    op: { length: 100 },
    completed: false,
  });
  const seen: number[] = [];
  for (;;) {
    const t = new TrialHandle(tm, spec);
    seen.push(t.id);
    expect((await t.op()).op).toEqual({ length: 100 });
    expect((await t.complete(100, 0.5 + t.id / 10)).status).toBe(200);
    const next = await askNext(spec);
    expect(next.status).toBe(200);
    const done = await tm.store.getTrial(t.id);
    expect(done?.state).toBe("COMPLETED");
    const ended = await tm.store.getAllocation(spec.allocationId);
    expect(ended).toMatchObject({ state: "TERMINATED", exitCode: 0 });
    expect(ended?.exitReason).toBe("completed (its process asked for the next trial)");
    if (next.body.env === null) {
      tm.launcher.exit(spec.allocationId); // the process is not live any more: nothing happens
      break;
    }
    // The environment says what the next trial's first ask would get.
    expect(JSON.parse(next.body.env.PUSHTUNE_OPERATION!)).toEqual({
      op: { length: 100 },
      completed: false,
    });
    const env = next.body.env;
    expect(env.PUSHTUNE_TOKEN).not.toBe(spec.env.PUSHTUNE_TOKEN);
    expect(env.PUSHTUNE_EXPERIMENT_ID).toBe(String(id));
    expect(env.PUSHTUNE_TRIAL_RUN_ID).toBe("1");
    expect(JSON.parse(env.PUSHTUNE_HPARAMS!)).toHaveProperty("lr");
    // The old token writes nothing any more: it belongs to an ended allocation.
    const stale = await new TrialHandle(tm, spec).metrics("training", 100, { loss: 1 });
    expect(stale.status).toBe(409);
    spec = handedTo(spec, env);
    expect(running(tm).map((s) => s.allocationId)).toEqual([spec.allocationId]);
  }
  expect(seen).toEqual([1, 2, 3]);
  expect(tm.launcher.launched).toHaveLength(1);
  expect(tm.launcher.handedOver).toHaveLength(2);
  await tm.settle();
  const exp = (await tm.admin.get<{ state: string }>(`/experiments/${id}`)).body;
  expect(exp.state).toBe("COMPLETED");
  const trials = await tm.store.listTrials({ experimentId: id });
  expect(trials.map((t) => [t.state, t.restarts])).toEqual([
    ["COMPLETED", 0],
    ["COMPLETED", 0],
    ["COMPLETED", 0],
  ]);
});

test("an ask repeated after its answer was lost gets the same trial and token", async () => {
  await experiment(3, 1);
  const first = running(tm)[0]!;
  const t = new TrialHandle(tm, first);
  await t.complete(100, 0.4);
  const answer = await askNext(first);
  const again = await askNext(first);
  expect(again).toEqual(answer);
  expect(answer.body.env?.PUSHTUNE_TRIAL_ID).toBe("2");
  expect(tm.launcher.handedOver).toHaveLength(1);
  // The token handed over twice is the one that works.
  const next = new TrialHandle(tm, handedTo(first, answer.body.env!));
  expect((await next.op()).op).toEqual({ length: 100 });
});

test("a paused experiment's trial that asks gets nothing, and activate launches a new process", async () => {
  const id = await experiment(3, 1);
  const spec = running(tm)[0]!;
  expect((await tm.admin.post(`/experiments/${id}/pause`)).status).toBe(200);
  const t = new TrialHandle(tm, spec);
  expect(await t.preempted()).toBe(true);
  await t.api.post(`/allocations/${spec.allocationId}/signals/ack_preemption`);
  const next = await askNext(spec);
  expect(next).toEqual({ status: 200, body: { env: null } });
  tm.launcher.exit(spec.allocationId);
  await tm.settle();
  const [paused] = await tm.store.listTrials({ experimentId: id });
  expect(paused).toMatchObject({ state: "PAUSED", restarts: 0 });
  await tm.admin.post(`/experiments/${id}/activate`);
  await tm.settle();
  expect(tm.launcher.launched).toHaveLength(2);
  expect(running(tm)[0]?.env.PUSHTUNE_TRIAL_RUN_ID).toBe("2");
});

test("a trial told to stop in the middle of its op that asks for its next trial has stopped as asked, with no acknowledgement of its own", async () => {
  const id = await experiment(3, 1);
  const spec = running(tm)[0]!;
  await tm.admin.post(`/experiments/${id}/pause`);
  expect(await new TrialHandle(tm, spec).preempted()).toBe(true);
  expect(await askNext(spec)).toEqual({ status: 200, body: { env: null } });
  tm.launcher.exit(spec.allocationId);
  await tm.settle();
  const [paused] = await tm.store.listTrials({ experimentId: id });
  expect(paused).toMatchObject({ state: "PAUSED", restarts: 0 });
});

test("a trial told to stop that asks with its checkpoint is registered first and resumed from it", async () => {
  const id = await experiment(3, 1);
  const spec = running(tm)[0]!;
  await tm.admin.post(`/experiments/${id}/pause`);
  expect(await new TrialHandle(tm, spec).preempted()).toBe(true);
  const checkpoint = checkpointOf(spec, "6f1c2d3e-0000-4000-8000-000000000001");
  const bad = await askNext(spec, { checkpoint: { ...checkpoint, stepsCompleted: -1 } });
  expect(bad.status).toBe(400);
  expect(await tm.store.getAllocation(spec.allocationId)).toMatchObject({ state: "TERMINATING" });
  expect(await askNext(spec, { checkpoint })).toEqual({ status: 200, body: { env: null } });
  // A repeated ask gets the same answer and registers nothing twice.
  expect(await askNext(spec, { checkpoint })).toEqual({ status: 200, body: { env: null } });
  expect(await tm.store.getTrial(spec.trialId)).toMatchObject({
    latestCheckpointUuid: checkpoint.uuid,
  });
  expect(await tm.store.listCheckpoints({ trialId: spec.trialId })).toHaveLength(1);
  tm.launcher.exit(spec.allocationId);
  await tm.settle();
  await tm.admin.post(`/experiments/${id}/activate`);
  await tm.settle();
  expect(running(tm)[0]?.env.PUSHTUNE_LATEST_CHECKPOINT).toBe(checkpoint.uuid);
});

test("an ask refused because the allocation has ended still registers the checkpoint it carries", async () => {
  const id = await experiment(3, 1);
  const spec = running(tm)[0]!;
  await tm.admin.post(`/experiments/${id}/pause`);
  expect(await new TrialHandle(tm, spec).preempted()).toBe(true);
  // The launcher took the process for gone (its job's state lost, say) while it checkpointed.
  tm.launcher.exit(spec.allocationId);
  await tm.settle();
  expect(await tm.store.getAllocation(spec.allocationId)).toMatchObject({ state: "TERMINATED" });
  const checkpoint = checkpointOf(spec, "6f1c2d3e-0000-4000-8000-000000000002");
  const refused = await askNext(spec, { checkpoint });
  expect(refused.status).toBe(409);
  expect(await tm.store.getTrial(spec.trialId)).toMatchObject({
    latestCheckpointUuid: checkpoint.uuid,
  });
  await tm.admin.post(`/experiments/${id}/activate`);
  await tm.settle();
  expect(running(tm)[0]?.env.PUSHTUNE_LATEST_CHECKPOINT).toBe(checkpoint.uuid);
});

test("the ask of a process whose trial has run again since registers its checkpoint, but not as the trial's latest", async () => {
  const id = await experiment(1, 1);
  const first = running(tm)[0]!;
  // The launcher took the process for gone while it still ran: the trial runs again.
  tm.launcher.exit(first.allocationId, { exitCode: null, lost: true });
  await tm.settle();
  const second = running(tm)[0]!;
  expect(second.trialId).toBe(first.trialId);
  expect(second.allocationId).not.toBe(first.allocationId);
  const newer = {
    ...checkpointOf(second, "6f1c2d3e-0000-4000-8000-000000000003"),
    stepsCompleted: 60,
  };
  expect((await tm.as(second.env.PUSHTUNE_TOKEN!).post("/checkpoints", newer)).status).toBe(200);
  // The first process, still alive, asks for a next trial with the checkpoint it took.
  const stale = checkpointOf(first, "6f1c2d3e-0000-4000-8000-000000000004");
  expect((await askNext(first, { checkpoint: stale })).status).toBe(409);
  expect(await tm.store.getTrial(first.trialId)).toMatchObject({
    latestCheckpointUuid: newer.uuid,
  });
  expect(
    (await tm.store.listCheckpoints({ trialId: first.trialId })).map((c) => c.uuid).sort(),
  ).toEqual([newer.uuid, stale.uuid].sort());
  expect(id).toBeGreaterThan(0);
});

test("a kill that comes while a trial is being handed over still stops it, and the experiment ends", async () => {
  const id = await experiment(3, 1);
  const spec = running(tm)[0]!;
  expect((await new TrialHandle(tm, spec).complete(100, 0.5)).status).toBe(200);
  // The kill lands after the next trial's allocation is stored, before the process is handed it.
  const update = tm.store.updateAllocation.bind(tm.store);
  let killed: Promise<unknown> | null = null;
  tm.store.updateAllocation = async (allocationId, set) => {
    if (set.state === "STARTING" && !killed) {
      killed = tm.admin.post(`/experiments/${id}/kill`);
      await killed;
    }
    return update(allocationId, set);
  };
  await askNext(spec);
  expect(killed).not.toBeNull();
  await tm.settle();
  // The process that was handed the trial is killed too, and nothing is left running.
  expect([...tm.launcher.live.keys()]).toEqual([]);
  // A kill ends as CANCELED, once nothing runs.
  expect((await tm.store.getExperiment(id))?.state).toBe("CANCELED");
});

test("a trial that asks before its work is done failed, like an exit 0 in the middle of an op", async () => {
  const id = await experiment(2, 1);
  const spec = running(tm)[0]!;
  await askNext(spec);
  const [first] = await tm.store.listTrials({ experimentId: id });
  expect(first).toMatchObject({ state: "ACTIVE", restarts: 1, endReason: null });
  const events = await tm.store.listSearcherEvents(id);
  expect(events.map((e) => e.event.type)).not.toContain("trialExitedEarly");
});

test("only the allocation itself may ask, and a launcher that cannot hand over answers null", async () => {
  await experiment(3, 2);
  const [a, b] = running(tm);
  const asUser = await tm.admin.post(`/allocations/${a!.allocationId}/next_trial`);
  expect(asUser.status).toBe(403);
  const asOther = await tm
    .as(b!.env.PUSHTUNE_TOKEN!)
    .post(`/allocations/${a!.allocationId}/next_trial`);
  expect(asOther.status).toBe(403);
  const killed = a!;
  await tm.launcher.kill(killed.allocationId);
  await tm.settle();
  expect((await askNext(killed)).status).toBe(409);

  Object.defineProperty(tm.launcher, "handOver", { value: undefined });
  const t = new TrialHandle(tm, b!);
  await t.complete(100, 0.3);
  expect((await askNext(b!)).body).toEqual({ env: null });
  expect(tm.launcher.handedOver).toHaveLength(0);
});

test("a process told there is no next trial keeps its slots until it has exited", async () => {
  tm = await startTestMaster({ slots: 1, preemptionTimeoutSeconds: 0.3 });
  const single = {
    ...randomConfig(1),
    searcher: { name: "single", metric: "validation_loss", max_length: { batches: 100 } },
  };
  await tm.admin.post("/experiments", { config: single, workdir: "/tmp" });
  await tm.admin.post("/experiments", { config: randomConfig(1), workdir: "/tmp" });
  await tm.settle();
  const [spec] = running(tm);
  expect(spec?.experimentId).toBe(1);
  await new TrialHandle(tm, spec!).complete(100, 0.5);
  // Experiment 2's trial waits, but not in this process: it is another experiment's.
  expect((await askNext(spec!)).body).toEqual({ env: null });
  tm.launcher.log(spec!.allocationId, "cleaning up after the loop");
  await tm.settle();
  expect(tm.launcher.launched).toHaveLength(1);
  tm.launcher.exit(spec!.allocationId);
  await tm.settle();
  expect(tm.launcher.launched.map((s) => s.experimentId)).toEqual([1, 2]);
  const lines = await tm.store.listLogs({ trialId: spec!.trialId, limit: 10 });
  expect(lines.map((l) => l.line)).toContain("cleaning up after the loop");
});
