/**
 * The operation answer carries preemption: a trial that only follows the
 * operation loop (asks again on "no decision yet") is told to stop there, so
 * it never holds a slot it was asked to give up.
 */
import { afterEach, expect, test } from "vitest";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { running, TrialHandle } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

async function start(slots: number, searcher: Record<string, unknown> = {}) {
  tm = await startTestMaster({ slots });
  const res = await tm.admin.post<{ id: number }>("/experiments", {
    config: ashaConfig({}, searcher),
    workdir: "/tmp",
  });
  expect(res.status).toBe(201);
  await tm.settle();
  return { id: res.body.id, trials: running(tm).map((spec) => new TrialHandle(tm, spec)) };
}

const stop = { op: null, completed: false, preempt: true };

test("a trial waiting for a promotion is told in its operation answer to give up the slot another trial needs", async () => {
  const { trials } = await start(1);
  const [t] = trials;
  await t!.complete(100, 0.5);
  await tm.settle();
  expect(await t!.op()).toEqual(stop);
});

test("the completion's answer itself tells a trial that must wait for a promotion to give up the slot another trial waits for", async () => {
  const { trials } = await start(1);
  const [t] = trials;
  expect((await t!.complete(100, 0.5)).body).toEqual(stop);
});

test("a long poll for an operation wakes with preempt as soon as the experiment is paused", async () => {
  // Every trial has its slot: nobody waits for one.
  const { id, trials } = await start(4, { max_trials: 3 });
  const [t] = trials;
  // Its op done and slots to spare: it waits for a promotion, holding its slot.
  expect((await t!.complete(100, 0.5)).body).toEqual({ op: null, completed: false });
  const poll = t!.op(30);
  await new Promise((r) => setImmediate(r));
  expect((await tm.admin.post(`/experiments/${id}/pause`)).status).toBe(200);
  expect(await poll).toEqual(stop);
});

test("a paused trial with work left gets preempt, not its work", async () => {
  const { id, trials } = await start(4);
  const [t] = trials;
  expect(await t!.op()).toEqual({ op: { length: 100 }, completed: false });
  await tm.admin.post(`/experiments/${id}/pause`);
  expect(await t!.op()).toEqual(stop);
});

test("the completion's answer says preempt when the trial was told to stop while it trained", async () => {
  const { id, trials } = await start(4);
  const [t] = trials;
  await tm.admin.post(`/experiments/${id}/pause`);
  expect((await t!.complete(100, 0.5)).body).toEqual(stop);
});

test("a trial that honours preempt in the operation answer hands its slot to the next trial", async () => {
  const { trials } = await start(1);
  const [t] = trials;
  await t!.complete(100, 0.5);
  await tm.settle();
  expect(await t!.op()).toEqual(stop);
  await t!.ackAndExit();
  const [next] = running(tm);
  expect(next?.trialId).not.toBe(t!.id);
  // Asked to stop and acknowledged: not a failure.
  expect((await tm.store.getTrial(t!.id))!.restarts).toBe(0);
});

test("the completion's answer says preempt when the trial it parks is what makes the searcher create the trial that waits", async () => {
  // One trial at a time: the next one is created only as this one parks, in its completion.
  const { trials } = await start(1, { max_concurrent_trials: 1 });
  const [t] = trials;
  expect(trials).toHaveLength(1);
  expect((await t!.complete(100, 0.5)).body).toEqual(stop);
});
