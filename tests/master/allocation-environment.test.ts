/**
 * `GET /allocations/{id}/environment`: the variables a launcher may leave out
 * of a trial process's environment as too long (PUSHTUNE_HPARAMS and
 * PUSHTUNE_EXPERIMENT_CONFIG), as the trial would have got them, for the
 * allocation's own token only.
 */
import { afterEach, expect, test } from "vitest";
import { LONG_VARIABLES } from "../../src/protocol/long-variables.js";
import { singleConfig } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";
import { running } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

test("an allocation reads the long variables it was started with", async () => {
  tm = await startTestMaster({ slots: 2 });
  await createExperiment(tm, singleConfig("environment-a"));
  await createExperiment(tm, singleConfig("environment-b"));
  await tm.settle();
  const [a, b] = running(tm);
  const res = await tm
    .as(a!.env.PUSHTUNE_TOKEN!)
    .get<{ env: Record<string, string> }>(`/allocations/${a!.allocationId}/environment`);
  expect(res.status).toBe(200);
  expect(res.body.env).toEqual(
    Object.fromEntries(LONG_VARIABLES.map((name) => [name, a!.env[name]])),
  );
  expect(JSON.parse(res.body.env.PUSHTUNE_EXPERIMENT_CONFIG!).name).toBe("environment-a");
  // Another trial's allocation, or a user, reads nothing of it.
  const other = await tm
    .as(b!.env.PUSHTUNE_TOKEN!)
    .get(`/allocations/${a!.allocationId}/environment`);
  expect(other.status).toBe(403);
  expect((await tm.admin.get(`/allocations/${a!.allocationId}/environment`)).status).toBe(403);
});
