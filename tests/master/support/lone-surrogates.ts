/**
 * A lone UTF-16 surrogate ("\ud800", which JSON can write and no UTF-8 can
 * hold) in any string or key of a request is refused with a 400 naming the
 * field ("not valid Unicode"), as a NUL is, on either store, and nothing is
 * stored: SQLite and PostgreSQL each read one back changed, and differently.
 * A trial's output is never refused: a lone surrogate in a line becomes
 * U+FFFD, the same on both stores. Run by one test file per store.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ashaConfig } from "./configs.js";
import type { TestMaster } from "./harness.js";
import { oneRunningTrial, sendRaw } from "./raw-requests.js";

export function describeLoneSurrogates(db: "sqlite" | "postgres"): void {
  let tm: TestMaster;
  let experimentId: number;
  let trialId: number;
  let allocationId: string;
  let token: string;

  beforeAll(async () => {
    ({ tm, experimentId, trialId, allocationId, token } = await oneRunningTrial(db));
  });
  afterAll(async () => tm?.close());

  const send = (url: string, payload: string, auth = tm.adminToken) =>
    sendRaw(tm, "POST", url, payload, auth);

  // JSON.stringify writes a lone surrogate as the escape "\ud800", as any client's JSON would.
  const lone = "\\ud800";
  const config = (overrides: Record<string, unknown>) =>
    JSON.stringify({ config: ashaConfig(overrides), workdir: "/tmp" });

  describe(`on ${db}`, () => {
    test.each([
      [
        "an experiment's name",
        () => send("/experiments", config({ name: "\ud800name" })),
        "/config/name",
      ],
      [
        "an experiment's description",
        () => send("/experiments", config({ description: "d\ud800" })),
        "/config/description",
      ],
      [
        "the name given beside the config",
        () =>
          send(
            "/experiments",
            `{"config":${JSON.stringify(ashaConfig())},"workdir":"/tmp","name":"${lone}x"}`,
          ),
        "/name",
      ],
      [
        "a hyperparameter's name",
        () => send("/experiments", config({ hyperparameters: { "a\udc00": 1 } })),
        "/config/hyperparameters",
      ],
      [
        "a metric's name",
        () =>
          send(
            `/trials/${trialId}/metrics`,
            `{"trialRunId":1,"reports":[{"group":"training","stepsCompleted":1,"metrics":{"lo${lone}ss":1}}]}`,
            token,
          ),
        "/reports/0/metrics",
      ],
      [
        "a pushed log line",
        () =>
          send(
            `/trials/${trialId}/logs`,
            `{"lines":[{"stream":"stdout","line":"${lone}"}]}`,
            token,
          ),
        "/lines/0/line",
      ],
    ])("a lone surrogate in %s is a 400 naming it as not valid Unicode", async (_, call, field) => {
      const res = await call();
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error?.code).toBe("BAD_REQUEST");
      expect(res.body.error?.message).toContain(`body${field}: is not valid Unicode`);
    });

    test("a lone surrogate in a YAML config, as an escape, is INVALID_CONFIG naming its path", async () => {
      const configYaml =
        'name: "\\ud800n"\nentrypoint: x\nsearcher: {name: single, metric: loss, max_length: 10}\n';
      const res = await send("/experiments", JSON.stringify({ configYaml, workdir: "/tmp" }));
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error?.code).toBe("INVALID_CONFIG");
      expect(res.body.error?.message).toContain("name: is not valid Unicode");
    });

    test("nothing was stored: one experiment, as it was, and no metrics", async () => {
      const list = await tm.admin.get<{ experiments: { id: number; name: string }[] }>(
        "/experiments",
      );
      expect(list.body.experiments.map((e) => [e.id, e.name])).toEqual([
        [experimentId, "asha-test"],
      ]);
      expect(await tm.store.listMetrics({ trialId, limit: 100 })).toEqual([]);
    });

    test("a trial's output line with a lone surrogate is kept, the surrogate as U+FFFD", async () => {
      tm.launcher.log(allocationId, "a\ud800b \ud83d\ude00 c\udc00");
      await tm.master.supervisor.logs.flush();
      const lines = await tm.store.listLogs({ trialId, limit: 100 });
      expect(lines.map((l) => l.line)).toEqual(["a\ufffdb \ud83d\ude00 c\ufffd"]);
    });
  });
}
