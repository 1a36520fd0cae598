/**
 * Input at the edges of what a store can hold is refused with a 400 naming
 * the field, on either store, and leaves nothing behind: integers past 2^53
 * (or past 2^31 where a column is `integer`), NUL characters, JSON nested
 * thousands deep, times a JavaScript `Date` cannot hold. Run by one test file
 * per store.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ashaConfig } from "./configs.js";
import type { TestMaster } from "./harness.js";
import { oneRunningTrial, type RawAnswer, sendRaw } from "./raw-requests.js";

export function describeStoredInputBounds(db: "sqlite" | "postgres"): void {
  let tm: TestMaster;
  let experimentId: number;
  let trialId: number;
  let token: string;

  beforeAll(async () => {
    ({ tm, experimentId, trialId, token } = await oneRunningTrial(db));
  });
  afterAll(async () => tm?.close());

  const send = (method: "GET" | "POST", url: string, payload?: string, auth?: string) =>
    sendRaw(tm, method, url, payload, auth);

  const checkpoint = (fields: string) =>
    `{"uuid":"${randomUUID()}","trialId":${trialId},"stepsCompleted":10,"resources":{"a.bin":1},"metadata":{},${fields}}`;

  const deep = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;

  const cases: [string, () => Promise<RawAnswer>, string][] = [
    ...["1152921504606846976", "9223372036854775808", "1e308"].flatMap(
      (n): [string, () => Promise<RawAnswer>, string][] => [
        [
          `checkpoint stepsCompleted ${n}`,
          () => send("POST", "/checkpoints", checkpoint(`"stepsCompleted":${n}`), token),
          "stepsCompleted",
        ],
        [
          `checkpoint resource size ${n}`,
          () => send("POST", "/checkpoints", checkpoint(`"resources":{"a.bin":${n}}`), token),
          "resources",
        ],
      ],
    ),
    [
      "checkpoint resources that add up past 2^53",
      () =>
        send(
          "POST",
          "/checkpoints",
          checkpoint(`"resources":{"a":${2 ** 52},"b":${2 ** 52},"c":${2 ** 52}}`),
          token,
        ),
      "resources",
    ],
    [
      "a metrics report with a run id past 2^31",
      () =>
        send(
          "POST",
          `/trials/${trialId}/metrics`,
          `{"trialRunId":${2 ** 40},"reports":[{"group":"training","stepsCompleted":1,"metrics":{"loss":1}}]}`,
          token,
        ),
      "trialRunId",
    ],
    [
      "validations after 1e23",
      () =>
        send(
          "GET",
          "/experiments/1/validations?after=100000000000000000000000",
          undefined,
          tm.adminToken,
        ),
      "after",
    ],
    [
      "metrics after 1e23",
      () => send("GET", `/trials/${trialId}/metrics?after=1e23`, undefined, tm.adminToken),
      "after",
    ],
    [
      "a NUL in an experiment name",
      () =>
        send(
          "POST",
          "/experiments",
          JSON.stringify({ config: ashaConfig({ name: "a\u0000b" }), workdir: "/tmp" }),
          tm.adminToken,
        ),
      "name",
    ],
    [
      "a NUL in the name given beside the config",
      () =>
        send(
          "POST",
          "/experiments",
          JSON.stringify({ config: ashaConfig(), workdir: "/tmp", name: "x\u0000" }),
          tm.adminToken,
        ),
      "name",
    ],
    [
      "a NUL in a login user name, with no token",
      () =>
        send(
          "POST",
          "/auth/login",
          JSON.stringify({ username: "ad\u0000min", password: "xxxxxxxx" }),
        ),
      "username",
    ],
    [
      "a NUL in a checkpoint uuid",
      () => send("GET", "/checkpoints/%00", undefined, tm.adminToken),
      "uuid",
    ],
    [
      "a NUL in the checkpoint uuid of a file download",
      () => send("GET", "/checkpoints/a%00b/files/weights.bin", undefined, tm.adminToken),
      "uuid",
    ],
    [
      "a NUL in a metric name",
      () =>
        send(
          "POST",
          `/trials/${trialId}/metrics`,
          `{"trialRunId":1,"reports":[{"group":"training","stepsCompleted":1,"metrics":{"lo\\u0000ss":1}}]}`,
          token,
        ),
      "metrics",
    ],
    [
      "a leap second in a log line's time",
      () =>
        send(
          "POST",
          `/trials/${trialId}/logs`,
          JSON.stringify({
            lines: [
              { stream: "stdout", line: "before", time: "2016-12-31T23:59:59Z" },
              { stream: "stdout", line: "leap", time: "2016-12-31T23:59:60Z" },
            ],
          }),
          token,
        ),
      "body/lines/1/time",
    ],
    [
      "a time zone name after a log line's time",
      () =>
        send(
          "POST",
          `/trials/${trialId}/logs`,
          JSON.stringify({
            lines: [
              { stream: "stderr", line: "x", time: "2024-03-01T10:00:00+01:00[Europe/Paris]" },
            ],
          }),
          token,
        ),
      "body/lines/0/time",
    ],
    [
      "a leap second in a metric report's time",
      () =>
        send(
          "POST",
          `/trials/${trialId}/metrics`,
          `{"trialRunId":1,"reports":[{"group":"training","stepsCompleted":1,"metrics":{"loss":1},"reportTime":"2016-12-31T15:59:60-08:00"}]}`,
          token,
        ),
      "body/reports/0/reportTime",
    ],
    [
      "1,001 metric reports, the last with a leap second",
      () =>
        send(
          "POST",
          `/trials/${trialId}/metrics`,
          JSON.stringify({
            trialRunId: 1,
            reports: Array.from({ length: 1001 }, (_, i) => ({
              group: "training",
              stepsCompleted: i + 1,
              metrics: { loss: 1 },
              ...(i === 1000 ? { reportTime: "2016-12-31T23:59:60Z" } : {}),
            })),
          }),
          token,
        ),
      "body/reports/1000/reportTime",
    ],
    [
      "checkpoint metadata nested 4,500 deep",
      () => send("POST", "/checkpoints", checkpoint(`"metadata":{"x":${deep(4500)}}`), token),
      "metadata",
    ],
    [
      "checkpoint metadata nested 40 deep",
      () => send("POST", "/checkpoints", checkpoint(`"metadata":{"x":${deep(40)}}`), token),
      "metadata",
    ],
    [
      "checkpoint metadata of a megabyte",
      () =>
        send(
          "POST",
          "/checkpoints",
          checkpoint(`"metadata":{"x":"${"m".repeat(1024 * 1024)}"}`),
          token,
        ),
      "metadata",
    ],
  ];

  describe(`on ${db}, input past what the store holds is a 400 naming the field`, () => {
    test.each(cases)("%s", async (_name, call, field) => {
      const res = await call();
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error?.code).toBe("BAD_REQUEST");
      expect(res.body.error?.message).toContain(field);
    });

    const yaml = (fields: string) =>
      `${fields}\nsearcher: {name: single, metric: loss, max_length: {batches: 10}}\n`;
    test.each([
      [
        "the name of a new experiment",
        () => ({
          url: "/experiments",
          body: { configYaml: yaml('name: "a\\0b"\nentrypoint: x'), workdir: "/tmp" },
        }),
        "name",
      ],
      [
        "the entrypoint of a new experiment",
        () => ({
          url: "/experiments",
          body: { configYaml: yaml('entrypoint: "x\\0"'), workdir: "/tmp" },
        }),
        "entrypoint",
      ],
      [
        "a hyperparameter of a new experiment",
        () => ({
          url: "/experiments",
          body: {
            configYaml: yaml('entrypoint: x\nhyperparameters: {a: "q\\0"}'),
            workdir: "/tmp",
          },
        }),
        "hyperparameters.a",
      ],
      [
        "a previewed config",
        () => ({
          url: "/searcher/preview",
          body: { configYaml: yaml('name: "\\0"\nentrypoint: x') },
        }),
        "name",
      ],
      [
        "the config of a fork",
        () => ({
          url: `/experiments/${experimentId}/fork`,
          body: { configYaml: yaml('entrypoint: "x\\0"') },
        }),
        "entrypoint",
      ],
    ])(
      "a NUL in %s, written as a YAML escape, is INVALID_CONFIG naming its path",
      async (_, request, path) => {
        const { url, body } = request();
        const res = await send("POST", url, JSON.stringify(body), tm.adminToken);
        expect(res.status, JSON.stringify(res.body)).toBe(400);
        expect(res.body.error?.code).toBe("INVALID_CONFIG");
        expect(res.body.error?.message).toContain(`${path}: must not contain NUL`);
      },
    );

    test("nothing was stored, and the store still answers", async () => {
      expect((await tm.store.listCheckpoints({ trialId })).length).toBe(0);
      expect(await tm.store.listMetrics({ trialId, limit: 5000 })).toEqual([]);
      await tm.master.supervisor.logs.flush();
      expect(await tm.store.listLogs({ trialId, limit: 100 })).toEqual([]);
      const list = await tm.admin.get<{ experiments: { name: string }[] }>("/experiments");
      expect(list.status).toBe(200);
      expect(list.body.experiments.map((e) => e.name)).toEqual(["asha-test"]);
    });

    test("a buffered log line with a time no Date holds costs no other line its place", async () => {
      const { allocationId } = [...tm.launcher.live.values()][0]!;
      tm.launcher.log(allocationId, "captured from the process");
      tm.master.supervisor.logs.addMany([
        {
          trialId,
          allocationId,
          time: new Date("2016-12-31T23:59:60Z"),
          stream: "stdout",
          line: "leap",
        },
        { trialId, allocationId, time: new Date(0), stream: "stdout", line: "pushed" },
      ]);
      await tm.master.supervisor.logs.flush();
      const lines = await tm.store.listLogs({ trialId, limit: 100 });
      expect(lines.map((l) => l.line).sort()).toEqual([
        "captured from the process",
        "leap",
        "pushed",
      ]);
    });

    test("metadata nested 32 deep and sizes up to 2^53 - 1 are accepted", async () => {
      const res = await send(
        "POST",
        "/checkpoints",
        checkpoint(
          `"stepsCompleted":${2 ** 53 - 1},"resources":{"a.bin":${2 ** 53 - 1}},"metadata":{"x":${deep(30)}}`,
        ),
        token,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const [c] = await tm.store.listCheckpoints({ trialId });
      expect(c!.stepsCompleted).toBe(2 ** 53 - 1);
      expect(c!.sizeBytes).toBe(2 ** 53 - 1);
    });
  });
}
