/**
 * Every push endpoint against every kind of caller: a user, the trial's own
 * allocation, another trial's allocation, a superseded allocation of the same
 * trial, no token and a garbage token.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { LaunchSpec } from "../../src/master/launcher/launcher.js";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";

type Who = "user" | "own" | "other" | "stale" | "none" | "garbage";
const WHO: Who[] = ["user", "own", "other", "stale", "none", "garbage"];

interface Endpoint {
  name: string;
  call: (c: ReturnType<TestMaster["as"]>, s: Scene) => Promise<{ status: number }>;
  /** Expected status per caller. */
  expect: Record<Who, number>;
}

interface Scene {
  trialId: number;
  experimentId: number;
  allocationId: string;
  runId: number;
  opLength: number;
}

const writes = { user: 403, own: 200, other: 403, stale: 409, none: 401, garbage: 401 };
const reads = { user: 200, own: 200, other: 403, stale: 409, none: 401, garbage: 401 };

const ENDPOINTS: Endpoint[] = [
  {
    name: "GET searcher/operation",
    call: (c, s) => c.get(`/trials/${s.trialId}/searcher/operation`),
    expect: reads,
  },
  {
    name: "POST metrics",
    call: (c, s) =>
      c.post(`/trials/${s.trialId}/metrics`, {
        trialRunId: s.runId,
        reports: [{ group: "training", stepsCompleted: 1, metrics: { loss: 1 } }],
      }),
    expect: writes,
  },
  {
    name: "POST progress",
    call: (c, s) => c.post(`/trials/${s.trialId}/progress`, { progress: 5 }),
    expect: writes,
  },
  {
    name: "POST logs",
    call: (c, s) =>
      c.post(`/trials/${s.trialId}/logs`, { lines: [{ stream: "stdout", line: "hi" }] }),
    expect: writes,
  },
  {
    name: "POST checkpoints",
    call: (c, s) =>
      c.post("/checkpoints", {
        uuid: `ckpt-${s.trialId}-0001`,
        trialId: s.trialId,
        stepsCompleted: 1,
        resources: { "w.bin": 3 },
        metadata: {},
      }),
    expect: writes,
  },
  {
    name: "GET best_searcher_validation_metric",
    call: (c, s) =>
      c.get(`/experiments/${s.experimentId}/searcher/best_searcher_validation_metric`),
    expect: reads,
  },
  {
    name: "GET signals/preemption",
    call: (c, s) => c.get(`/allocations/${s.allocationId}/signals/preemption?timeoutSeconds=0`),
    expect: reads,
  },
  {
    name: "POST signals/ack_preemption",
    call: (c, s) => c.post(`/allocations/${s.allocationId}/signals/ack_preemption`),
    expect: writes,
  },
  {
    name: "POST searcher/completed_operation",
    call: (c, s) =>
      c.post(`/trials/${s.trialId}/searcher/completed_operation`, {
        op: { length: s.opLength },
        searcherMetric: 0.5,
      }),
    expect: writes,
  },
  {
    name: "POST early_exit",
    call: (c, s) => c.post(`/trials/${s.trialId}/early_exit`, { reason: "USER_CANCELED" }),
    expect: writes,
  },
];

let tm: TestMaster;
const spec = (trialId: number): LaunchSpec => {
  const live = [...tm.launcher.live.values()].find((s) => s.trialId === trialId);
  if (!live) throw new Error(`trial ${trialId} is not running`);
  return live;
};

beforeAll(async () => {
  tm = await startTestMaster({ slots: 100 });
});
afterAll(async () => tm.close());

describe("the push API's authorization matrix", () => {
  for (const endpoint of ENDPOINTS) {
    test(`${endpoint.name}: user 403/200, own 200, other trial 403, superseded 409, no or garbage token 401`, async () => {
      // A fresh pair of experiments per endpoint, so a call that changes state changes nothing else.
      const a = await tm.admin.post<{ id: number }>("/experiments", {
        config: ashaConfig(),
        workdir: "/tmp",
      });
      const b = await tm.admin.post<{ id: number }>("/experiments", {
        config: ashaConfig(),
        workdir: "/tmp",
      });
      await tm.settle();
      const trials = await tm.store.listTrials({ experimentId: a.body.id });
      const otherTrials = await tm.store.listTrials({ experimentId: b.body.id });
      const target = trials[0]!;
      // Supersede the target's first allocation: it crashes and is restarted.
      const first = spec(target.id);
      tm.launcher.exit(first.allocationId, { exitCode: 1 });
      await tm.settle();
      const current = spec(target.id);
      expect(current.allocationId).not.toBe(first.allocationId);
      const scene: Scene = {
        trialId: target.id,
        experimentId: a.body.id,
        allocationId: current.allocationId,
        runId: Number(current.env.PUSHTUNE_TRIAL_RUN_ID),
        opLength: 100,
      };
      const tokens: Record<Who, string | null> = {
        user: tm.adminToken,
        own: current.env.PUSHTUNE_TOKEN!,
        other: spec(otherTrials[0]!.id).env.PUSHTUNE_TOKEN!,
        stale: first.env.PUSHTUNE_TOKEN!,
        none: null,
        garbage: "not-a-token",
      };
      const seen: Record<string, number> = {};
      // The owner goes last: its call may end the trial's work.
      for (const who of [...WHO.filter((w) => w !== "own"), "own" as Who]) {
        seen[who] = (await endpoint.call(tm.as(tokens[who]), scene)).status;
      }
      expect(seen).toEqual(endpoint.expect);
    });
  }

  test("a trial cannot push for a sibling trial of the same experiment", async () => {
    const a = await tm.admin.post<{ id: number }>("/experiments", {
      config: ashaConfig(),
      workdir: "/tmp",
    });
    await tm.settle();
    const [t1, t2] = await tm.store.listTrials({ experimentId: a.body.id });
    const res = await tm
      .as(spec(t2!.id).env.PUSHTUNE_TOKEN!)
      .post(`/trials/${t1!.id}/progress`, { progress: 3 });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: { code: "FORBIDDEN" } });
  });
});
