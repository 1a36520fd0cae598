/** An experiment created with `activate: false` is paused from the start, its trials too. */
import { afterEach, expect, test } from "vitest";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { running } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

const trialStates = async (id: number) =>
  (
    await tm.admin.get<{ trials: { state: string }[] }>(`/experiments/${id}/trials`)
  ).body.trials.map((t) => t.state);

test("the trials of an experiment created with activate: false show PAUSED and do not run", async () => {
  tm = await startTestMaster({ slots: 4 });
  const res = await tm.admin.post<{ id: number; state: string }>("/experiments", {
    config: ashaConfig(),
    workdir: "/tmp",
    activate: false,
  });
  expect(res.status).toBe(201);
  expect(res.body.state).toBe("PAUSED");
  await tm.settle();
  expect(await trialStates(res.body.id)).toEqual(["PAUSED", "PAUSED", "PAUSED"]);
  expect(running(tm)).toEqual([]);
});

test("activating it makes its trials ACTIVE and starts them", async () => {
  tm = await startTestMaster({ slots: 4 });
  const { body } = await tm.admin.post<{ id: number }>("/experiments", {
    config: ashaConfig(),
    workdir: "/tmp",
    activate: false,
  });
  expect((await tm.admin.post(`/experiments/${body.id}/activate`)).status).toBe(200);
  await tm.settle();
  expect(await trialStates(body.id)).toEqual(["ACTIVE", "ACTIVE", "ACTIVE"]);
  expect(running(tm)).toHaveLength(3);
});
