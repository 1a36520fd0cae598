/** Pause, activate, cancel and kill (DESIGN §6), and how the master reads a trial's exit. */
import { afterEach, describe, expect, test } from "vitest";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { running, trial } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

async function experiment(config = ashaConfig(), slots = 4) {
  tm = await startTestMaster({ slots, preemptionTimeoutSeconds: 0.3 });
  const res = await tm.admin.post<{ id: number }>("/experiments", { config, workdir: "/tmp" });
  expect(res.status).toBe(201);
  await tm.settle();
  return res.body.id;
}

const state = async (id: number) =>
  (await tm.admin.get<{ state: string }>(`/experiments/${id}`)).body.state;

describe("pause and activate", () => {
  test("pause tells every running trial to stop; activate starts them again as a new run", async () => {
    const id = await experiment();
    const before = running(tm);
    expect(before).toHaveLength(3);
    expect((await tm.admin.post(`/experiments/${id}/pause`)).status).toBe(200);
    expect(await state(id)).toBe("PAUSED");
    for (const spec of before) {
      const t = trial(tm, spec.trialId);
      expect(await t.preempted()).toBe(true);
      await t.ackAndExit();
    }
    expect(running(tm)).toHaveLength(0);
    const trials = await tm.store.listTrials({ experimentId: id });
    expect(trials.every((t) => t.state === "PAUSED")).toBe(true);
    await tm.admin.post(`/experiments/${id}/activate`);
    await tm.settle();
    const after = running(tm);
    expect(after.map((s) => s.trialId)).toEqual(before.map((s) => s.trialId));
    expect(after.map((s) => s.env.PUSHTUNE_TRIAL_RUN_ID)).toEqual(["2", "2", "2"]);
    // An acknowledged preemption is not a failure.
    expect((await tm.store.listTrials({ experimentId: id })).map((t) => t.restarts)).toEqual(
      trials.map(() => 0),
    );
  });

  test("a trial that ignores the request to stop is killed after the preemption timeout", async () => {
    const id = await experiment();
    await tm.admin.post(`/experiments/${id}/pause`);
    await new Promise((r) => setTimeout(r, 600));
    await tm.settle();
    expect(running(tm)).toHaveLength(0);
    expect(tm.launcher.killed).toHaveLength(3);
    expect(await state(id)).toBe("PAUSED");
  });

  test("pausing twice is harmless, and a trial's long poll for preemption wakes at once", async () => {
    const id = await experiment();
    const t = trial(tm, running(tm)[0]!.trialId);
    const poll = t.preempted(30);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await tm.admin.post(`/experiments/${id}/pause`);
    expect(await poll).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await tm.admin.post(`/experiments/${id}/pause`)).status).toBe(200);
  });
});

describe("cancel and kill", () => {
  test("the searcher creates no trial for a canceled experiment whose trials finish their ops as they stop", async () => {
    const id = await experiment(ashaConfig(), 4);
    const before = running(tm).map((s) => trial(tm, s.trialId));
    const ops = await Promise.all(before.map(async (t) => (await t.op()).op!.length));
    const created = async () =>
      (await tm.store.listSearcherEvents(id)).filter((e) => e.event.type === "trialCreated");
    const createdBefore = (await created()).length;
    await tm.admin.post(`/experiments/${id}/cancel`);
    // Each was in the middle of its op: it finishes it, then stops as asked.
    for (const [i, t] of before.entries()) {
      await t.complete(ops[i]!, 0.5);
      await t.ackAndExit();
    }
    await tm.settle();
    expect(await state(id)).toBe("CANCELED");
    expect(await tm.store.listTrials({ experimentId: id })).toHaveLength(before.length);
    expect(await created()).toHaveLength(createdBefore);
    // What they reported is logged all the same.
    const validations = (await tm.store.listSearcherEvents(id)).filter(
      (e) => e.event.type === "validationCompleted",
    );
    expect(validations).toHaveLength(before.length);
  });

  test("cancel stops the trials gracefully and ends the experiment CANCELED", async () => {
    const id = await experiment();
    await tm.admin.post(`/experiments/${id}/cancel`);
    expect(await state(id)).toBe("STOPPING_CANCELED");
    for (const spec of running(tm)) await trial(tm, spec.trialId).ackAndExit();
    expect(await state(id)).toBe("CANCELED");
    const trials = await tm.store.listTrials({ experimentId: id });
    expect(new Set(trials.map((t) => t.state))).toEqual(new Set(["CANCELED"]));
    expect((await tm.admin.post(`/experiments/${id}/activate`)).status).toBe(409);
  });

  test("kill stops every process at once and ends the experiment CANCELED", async () => {
    const id = await experiment();
    const live = running(tm).map((s) => s.allocationId);
    await tm.admin.post(`/experiments/${id}/kill`);
    await tm.settle();
    expect(tm.launcher.killed.sort()).toEqual(live.sort());
    expect(await state(id)).toBe("CANCELED");
  });

  test("an ended experiment can be deleted, with everything that belongs to it", async () => {
    const id = await experiment();
    await tm.admin.post(`/experiments/${id}/kill`);
    await tm.settle();
    expect((await tm.admin.del(`/experiments/${id}`)).status).toBe(204);
    expect((await tm.admin.get(`/experiments/${id}`)).status).toBe(404);
    expect(await tm.store.listTrials({ experimentId: id })).toEqual([]);
  });
});

describe("how an exit is read", () => {
  test("a crash restarts the trial as a new run, counting a restart", async () => {
    await experiment();
    const t = trial(tm, running(tm)[0]!.trialId);
    await t.exit(1);
    const again = trial(tm, t.id);
    expect(again.runId).toBe(t.runId + 1);
    expect((await tm.store.getTrial(t.id))!.restarts).toBe(1);
  });

  test("a trial that keeps crashing ends in ERROR after max_restarts, with its last log lines", async () => {
    const id = await experiment(ashaConfig({ max_restarts: 2 }));
    const trialId = running(tm)[0]!.trialId;
    for (let i = 0; i < 3; i++) {
      const t = trial(tm, trialId);
      tm.launcher.log(t.spec.allocationId, `Traceback: boom number ${i}`, "stderr");
      await t.exit(3);
    }
    const row = (await tm.store.getTrial(trialId))!;
    expect(row.state).toBe("ERROR");
    expect(row.restarts).toBe(3);
    expect(row.endReason).toContain("boom number 2");
    expect(row.endReason).not.toContain("boom number 1");
    expect(row.endReason).toContain("max_restarts 2");
    expect(running(tm).some((s) => s.trialId === trialId)).toBe(false);
    // The searcher replaced it: another trial took the slot.
    expect(running(tm)).toHaveLength(3);
    expect(await state(id)).toBe("ACTIVE");
  });

  test("an end reason quotes a long last log line cut short", async () => {
    await experiment(ashaConfig({ max_restarts: 0 }));
    const t = trial(tm, running(tm)[0]!.trialId);
    tm.launcher.log(t.spec.allocationId, "x".repeat(65_536), "stdout");
    tm.launcher.log(t.spec.allocationId, "Traceback: boom", "stderr");
    await t.exit(3);
    const row = (await tm.store.getTrial(t.id))!;
    expect(row.state).toBe("ERROR");
    expect(row.endReason).toContain(`${"x".repeat(500)}… (65536 characters)`);
    expect(row.endReason).toContain("Traceback: boom");
    expect(row.endReason).toContain("; failed 1 time (max_restarts 0); ");
    expect(row.endReason!.length).toBeLessThan(1000);
  });

  test("exiting 0 in the middle of an op is a failure: a new run from the latest checkpoint, counted", async () => {
    const id = await experiment(ashaConfig({ max_restarts: 1 }));
    const t = trial(tm, running(tm)[0]!.trialId);
    await t.exit(0);
    const row = (await tm.store.getTrial(t.id))!;
    expect(row).toMatchObject({ state: "ACTIVE", restarts: 1, endReason: null });
    expect(trial(tm, t.id).runId).toBe(t.runId + 1);
    const events = await tm.store.listSearcherEvents(id);
    expect(events.map((e) => e.event.type)).not.toContain("trialExitedEarly");
    // Past max_restarts it is an error, as a crash is.
    await trial(tm, t.id).exit(0);
    const ended = (await tm.store.getTrial(t.id))!;
    expect(ended.state).toBe("ERROR");
    expect(ended.endReason).toMatch(
      /^unfinished \(exit code 0\); failed 2 times \(max_restarts 1\)/,
    );
  });

  test("exiting 0 after reporting an early exit ends the trial as reported", async () => {
    const id = await experiment();
    const t = trial(tm, running(tm)[0]!.trialId);
    expect((await t.api.post(`/trials/${t.id}/early_exit`, { reason: "INVALID_HP" })).status).toBe(
      200,
    );
    await t.exit(0);
    const row = (await tm.store.getTrial(t.id))!;
    expect(row).toMatchObject({
      state: "COMPLETED",
      restarts: 0,
      endReason: "early exit: INVALID_HP",
    });
    const events = await tm.store.listSearcherEvents(id);
    expect(events.filter((e) => e.event.type === "trialExitedEarly")).toHaveLength(1);
  });

  test("a trial that reports ERRORED and then crashes is not run again; its experiment ends", async () => {
    const id = await experiment(
      ashaConfig({}, { max_trials: 2, max_concurrent_trials: 2, num_rungs: 1 }),
    );
    const [a, b] = running(tm).map((s) => trial(tm, s.trialId));
    expect((await a!.api.post(`/trials/${a!.id}/early_exit`, { reason: "ERRORED" })).status).toBe(
      200,
    );
    await a!.exit(1);
    expect((await tm.store.getTrial(a!.id))!).toMatchObject({
      state: "ERROR",
      restarts: 0,
      endReason: "early exit: ERRORED",
    });
    expect(running(tm).map((s) => s.trialId)).toEqual([b!.id]);
    await b!.complete((await b!.op()).op!.length, 0.5);
    await b!.exit(0);
    await tm.settle();
    expect(await state(id)).toBe("COMPLETED");
  });

  test("a trial that reports an early exit and then acks a pause is not resumed", async () => {
    const id = await experiment();
    const t = trial(tm, running(tm)[0]!.trialId);
    expect((await t.api.post(`/trials/${t.id}/early_exit`, { reason: "INVALID_HP" })).status).toBe(
      200,
    );
    await tm.admin.post(`/experiments/${id}/pause`);
    expect(await t.preempted()).toBe(true);
    await t.ackAndExit();
    await tm.admin.post(`/experiments/${id}/activate`);
    await tm.settle();
    expect((await tm.store.getTrial(t.id))!.state).toBe("COMPLETED");
    expect(running(tm).map((s) => s.trialId)).not.toContain(t.id);
  });

  test("exiting 0 while waiting for a promotion gives the slot back; the promotion starts a new run", async () => {
    // Divisor 2, 2 trials, 1 slot: the first finishes its rung, exits, and the second runs.
    await experiment(
      ashaConfig({}, { max_trials: 2, max_concurrent_trials: 2, divisor: 2, num_rungs: 2 }),
      1,
    );
    const first = trial(tm, running(tm)[0]!.trialId);
    await first.complete((await first.op()).op!.length, 0.1);
    await first.exit(0);
    expect((await tm.store.getTrial(first.id))!).toMatchObject({ state: "ACTIVE", restarts: 0 });
    const second = trial(tm, running(tm)[0]!.trialId);
    expect(second.id).not.toBe(first.id);
    await second.complete((await second.op()).op!.length, 0.9);
    await second.exit(0);
    // The better first trial is promoted and starts again, not counted as a failure.
    const again = trial(tm, first.id);
    expect(again.runId).toBe(first.runId + 1);
    expect((await tm.store.getTrial(first.id))!.restarts).toBe(0);
  });

  test("an infrastructure loss reschedules without counting a restart", async () => {
    await experiment();
    const t = trial(tm, running(tm)[0]!.trialId);
    tm.launcher.exit(t.spec.allocationId, { exitCode: null, lost: true });
    await tm.settle();
    expect((await tm.store.getTrial(t.id))!.restarts).toBe(0);
    expect(trial(tm, t.id).runId).toBe(t.runId + 1);
  });

  test("a process the cluster ended (a time limit, a preemption) is rescheduled without counting a restart, whatever its exit", async () => {
    await experiment();
    const t = trial(tm, running(tm)[0]!.trialId);
    tm.launcher.exit(t.spec.allocationId, {
      exitCode: null,
      signal: "SIGKILL",
      endedByCluster: "TIMEOUT",
    });
    await tm.settle();
    expect((await tm.store.getTrial(t.id))!.restarts).toBe(0);
    expect((await tm.store.getAllocation(t.spec.allocationId))!.exitReason).toBe(
      "lost (ended by the cluster: TIMEOUT)",
    );
    expect(trial(tm, t.id).runId).toBe(t.runId + 1);
  });
});

describe("waiting for a promotion", () => {
  test("a trial waiting for a promotion keeps its slot only while no one else waits", async () => {
    // One slot, two trials: the first finishes its rung and waits; the second needs the slot.
    await experiment(ashaConfig({}, { max_trials: 2, max_concurrent_trials: 2 }), 1);
    const first = trial(tm, running(tm)[0]!.trialId);
    expect((await first.complete(100, 0.5)).status).toBe(200);
    await tm.settle();
    expect(await first.preempted()).toBe(true);
    await first.ackAndExit();
    const second = trial(tm, running(tm)[0]!.trialId);
    expect(second.id).not.toBe(first.id);
  });

  test("a waiting trial's long poll for its op is answered by the promotion itself", async () => {
    // Divisor 2 with 2 trials: the better of the two is promoted when the second reports.
    await experiment(
      ashaConfig({}, { max_trials: 2, max_concurrent_trials: 2, divisor: 2, num_rungs: 2 }),
      2,
    );
    const [a, b] = running(tm).map((s) => trial(tm, s.trialId));
    const first = await a!.op();
    await a!.complete(first.op!.length, 0.1);
    await tm.settle();
    const poll = a!.op(30);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await b!.complete((await b!.op()).op!.length, 0.9);
    const next = await poll;
    expect(next.op?.length).toBeGreaterThan(first.op!.length);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
