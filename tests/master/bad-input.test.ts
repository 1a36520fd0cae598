/**
 * Bad input on every endpoint gets a 4xx with `{error: {code, message}}`,
 * never a 500, and nothing is stored half-way.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster;
let trialId: number;
let token: string;
let runId: number;
let experimentId: number;

beforeAll(async () => {
  tm = await startTestMaster({ slots: 2 });
  const res = await tm.admin.post<{ id: number }>("/experiments", {
    config: ashaConfig(),
    workdir: "/tmp",
  });
  experimentId = res.body.id;
  await tm.settle();
  const spec = [...tm.launcher.live.values()][0]!;
  trialId = spec.trialId;
  token = spec.env.PUSHTUNE_TOKEN!;
  runId = Number(spec.env.PUSHTUNE_TRIAL_RUN_ID);
});
afterAll(async () => tm.close());

async function raw(
  method: "GET" | "POST" | "DELETE",
  url: string,
  payload?: string,
  auth = token,
  contentType = "application/json",
) {
  const res = await tm.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: {
      authorization: `Bearer ${auth}`,
      ...(payload === undefined ? {} : { "content-type": contentType }),
    },
    ...(payload === undefined ? {} : { payload }),
  });
  return {
    status: res.statusCode,
    body: res.json() as { error?: { code: string; message: string } },
  };
}

const metricsBody = (reports: unknown, run: unknown = undefined) =>
  JSON.stringify({ trialRunId: run ?? runId, reports });

/** An experiment created by the admin with `body`. */
const createExperiment = (body: unknown) =>
  raw("POST", "/experiments", JSON.stringify(body), tm.adminToken);

describe("bad input is refused with a 4xx and a clear error", () => {
  const cases: [
    string,
    () => Promise<{ status: number; body: { error?: { code: string; message: string } } }>,
    number,
    string,
  ][] = [
    [
      "metrics with a string for a number",
      () =>
        raw(
          "POST",
          `/trials/${trialId}/metrics`,
          metricsBody([{ group: "training", stepsCompleted: 1, metrics: { loss: "low" } }]),
        ),
      400,
      "BAD_REQUEST",
    ],
    [
      "metrics with NaN (not JSON)",
      () =>
        raw(
          "POST",
          `/trials/${trialId}/metrics`,
          `{"trialRunId":${runId},"reports":[{"group":"training","stepsCompleted":1,"metrics":{"loss":NaN}}]}`,
        ),
      400,
      "BAD_REQUEST",
    ],
    [
      "metrics with Infinity by overflow",
      () =>
        raw(
          "POST",
          `/trials/${trialId}/metrics`,
          `{"trialRunId":${runId},"reports":[{"group":"training","stepsCompleted":1,"metrics":{"loss":1e999}}]}`,
        ),
      400,
      "BAD_REQUEST",
    ],
    [
      "metrics with a negative step",
      () =>
        raw(
          "POST",
          `/trials/${trialId}/metrics`,
          metricsBody([{ group: "training", stepsCompleted: -1, metrics: { loss: 1 } }]),
        ),
      400,
      "BAD_REQUEST",
    ],
    [
      "metrics with an unknown group",
      () =>
        raw(
          "POST",
          `/trials/${trialId}/metrics`,
          metricsBody([{ group: "testing", stepsCompleted: 1, metrics: { loss: 1 } }]),
        ),
      400,
      "BAD_REQUEST",
    ],
    [
      "metrics without reports",
      () => raw("POST", `/trials/${trialId}/metrics`, JSON.stringify({ trialRunId: runId })),
      400,
      "BAD_REQUEST",
    ],
    [
      "metrics with an unknown field",
      () =>
        raw(
          "POST",
          `/trials/${trialId}/metrics`,
          JSON.stringify({ trialRunId: runId, reports: [], extra: 1 }),
        ),
      400,
      "BAD_REQUEST",
    ],
    [
      "metrics with a string run id",
      () =>
        raw(
          "POST",
          `/trials/${trialId}/metrics`,
          metricsBody([{ group: "training", stepsCompleted: 1, metrics: { loss: 1 } }], "1"),
        ),
      400,
      "BAD_REQUEST",
    ],
    [
      "metrics of an older run",
      () =>
        raw(
          "POST",
          `/trials/${trialId}/metrics`,
          metricsBody([{ group: "training", stepsCompleted: 1, metrics: { loss: 1 } }], runId + 5),
        ),
      409,
      "STALE_ALLOCATION",
    ],
    [
      "malformed JSON",
      () => raw("POST", `/trials/${trialId}/metrics`, "{nope"),
      400,
      "BAD_REQUEST",
    ],
    [
      "a huge body",
      () =>
        raw(
          "POST",
          `/trials/${trialId}/logs`,
          JSON.stringify({ lines: [{ stream: "stdout", line: "x".repeat(9 * 1024 * 1024) }] }),
        ),
      413,
      "BODY_TOO_LARGE",
    ],
    [
      "a body that is not JSON",
      () =>
        raw(
          "POST",
          `/trials/${trialId}/progress`,
          "progress=3",
          token,
          "application/x-www-form-urlencoded",
        ),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    ],
    [
      "progress that is negative",
      () => raw("POST", `/trials/${trialId}/progress`, JSON.stringify({ progress: -3 })),
      400,
      "BAD_REQUEST",
    ],
    [
      "a completed op of the wrong length",
      () =>
        raw(
          "POST",
          `/trials/${trialId}/searcher/completed_operation`,
          JSON.stringify({ op: { length: 77 }, searcherMetric: 1 }),
        ),
      409,
      "OP_MISMATCH",
    ],
    [
      "a completed op with a negative length",
      () =>
        raw(
          "POST",
          `/trials/${trialId}/searcher/completed_operation`,
          JSON.stringify({ op: { length: -100 }, searcherMetric: 1 }),
        ),
      400,
      "BAD_REQUEST",
    ],
    [
      "an early exit with an unknown reason",
      () => raw("POST", `/trials/${trialId}/early_exit`, JSON.stringify({ reason: "BORED" })),
      400,
      "BAD_REQUEST",
    ],
    [
      "a trial id that is not a number",
      () => raw("GET", "/trials/abc/searcher/operation"),
      400,
      "BAD_REQUEST",
    ],
    [
      "an unknown trial",
      () => raw("GET", "/trials/999999", undefined, tm.adminToken),
      404,
      "TRIAL_NOT_FOUND",
    ],
    [
      "an unknown experiment",
      () => raw("GET", "/experiments/424242", undefined, tm.adminToken),
      404,
      "EXPERIMENT_NOT_FOUND",
    ],
    [
      "an unknown allocation",
      () => raw("GET", "/allocations/nope/signals/preemption", undefined, tm.adminToken),
      404,
      "ALLOCATION_NOT_FOUND",
    ],
    [
      "an unknown checkpoint",
      () => raw("GET", "/checkpoints/00000000-dead", undefined, tm.adminToken),
      404,
      "CHECKPOINT_NOT_FOUND",
    ],
    [
      "an unknown route",
      () => raw("GET", "/nothing-here", undefined, tm.adminToken),
      404,
      "NOT_FOUND",
    ],
    [
      "a wait longer than allowed",
      () => raw("GET", `/trials/${trialId}/searcher/operation?waitSeconds=100000`),
      400,
      "BAD_REQUEST",
    ],
    [
      "a checkpoint with a path-like uuid",
      () =>
        raw(
          "POST",
          "/checkpoints",
          JSON.stringify({
            uuid: "../../etc",
            trialId,
            stepsCompleted: 1,
            resources: {},
            metadata: {},
          }),
        ),
      400,
      "BAD_REQUEST",
    ],
    [
      "an experiment with an invalid config",
      () =>
        createExperiment({
          config: { entrypoint: "x", searcher: { name: "random" } },
          workdir: "/tmp",
        }),
      400,
      "INVALID_CONFIG",
    ],
    [
      "an experiment with YAML that does not parse",
      () => createExperiment({ configYaml: "a: [1,", workdir: "/tmp" }),
      400,
      "INVALID_CONFIG",
    ],
    [
      "an experiment with both config and YAML",
      () => createExperiment({ config: ashaConfig(), configYaml: "x: 1", workdir: "/tmp" }),
      400,
      "BAD_REQUEST",
    ],
    [
      "an experiment with a relative workdir",
      () => createExperiment({ config: ashaConfig(), workdir: "here" }),
      400,
      "BAD_REQUEST",
    ],
    [
      "an experiment whose workdir does not exist where its trials would run",
      () => createExperiment({ config: ashaConfig(), workdir: "/nonexistent/pushtune-workdir" }),
      400,
      "BAD_REQUEST",
    ],
    [
      "a metric page with a negative cursor",
      () => raw("GET", `/trials/${trialId}/metrics?after=-1`, undefined, tm.adminToken),
      400,
      "BAD_REQUEST",
    ],
    [
      "a state filter that is no state",
      () => raw("GET", "/experiments?state=SLEEPING", undefined, tm.adminToken),
      400,
      "BAD_REQUEST",
    ],
    [
      "deleting a running experiment",
      () => raw("DELETE", `/experiments/${experimentId}`, undefined, tm.adminToken),
      409,
      "INVALID_TRANSITION",
    ],
    [
      "a preview of an invalid config",
      () =>
        raw(
          "POST",
          "/searcher/preview",
          JSON.stringify({ config: { searcher: 3 } }),
          tm.adminToken,
        ),
      400,
      "INVALID_CONFIG",
    ],
  ];
  for (const [name, call, status, code] of cases) {
    test(`${name} → ${status} ${code}`, async () => {
      const res = await call();
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status, code });
      expect(res.body.error?.message.length).toBeGreaterThan(5);
    });
  }

  test("a batch with one conflicting row stores nothing of the batch", async () => {
    const ok = await raw(
      "POST",
      `/trials/${trialId}/metrics`,
      metricsBody([{ group: "training", stepsCompleted: 10, metrics: { loss: 1 } }]),
    );
    expect(ok.status).toBe(200);
    const bad = await raw(
      "POST",
      `/trials/${trialId}/metrics`,
      metricsBody([
        { group: "training", stepsCompleted: 11, metrics: { loss: 2 } },
        { group: "training", stepsCompleted: 10, metrics: { loss: 9 } },
      ]),
    );
    expect(bad.status).toBe(409);
    expect(bad.body.error?.code).toBe("METRIC_CONFLICT");
    const rows = await tm.store.listMetrics({ trialId, limit: 100 });
    expect(rows.map((r) => [r.stepsCompleted, r.metrics.loss])).toEqual([[10, 1]]);
  });
});
