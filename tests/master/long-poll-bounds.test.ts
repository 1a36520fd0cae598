/** A long poll waits at most MAX_LONG_POLL_SECONDS: a longer wait is a 400 naming the parameter. */
import { afterEach, expect, test } from "vitest";
import { OperationQuery, PreemptionQuery } from "../../src/protocol/api/push.js";
import { MAX_LONG_POLL_SECONDS } from "../../src/protocol/timers.js";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { running } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

test.each([
  ["operation", "waitSeconds", (t: number, _a: string) => `/trials/${t}/searcher/operation`],
  [
    "preemption",
    "timeoutSeconds",
    (_t: number, a: string) => `/allocations/${a}/signals/preemption`,
  ],
])("a long poll for %s of 3,000,000 s is refused, naming %s", async (_what, param, path) => {
  tm = await startTestMaster({ slots: 1 });
  await tm.admin.post("/experiments", { config: ashaConfig(), workdir: "/tmp" });
  await tm.settle();
  const [spec] = running(tm);
  const api = tm.as(spec!.env.PUSHTUNE_TOKEN!);
  const res = await api.get<{ error: { code: string; message: string } }>(
    `${path(spec!.trialId, spec!.allocationId)}?${param}=3000000`,
  );
  expect(res.status).toBe(400);
  expect(res.body.error.message).toContain(param);
});

test("the schemas and the SDK share one bound", () => {
  const maximum = (schema: unknown) => (schema as { maximum?: number }).maximum;
  expect(maximum(OperationQuery.properties.waitSeconds)).toBe(MAX_LONG_POLL_SECONDS);
  expect(maximum(PreemptionQuery.properties.timeoutSeconds)).toBe(MAX_LONG_POLL_SECONDS);
});
