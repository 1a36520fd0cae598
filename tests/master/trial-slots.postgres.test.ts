/**
 * A trial's slots are stored in an `integer` column, which PostgreSQL holds up
 * to 2^31 - 1: `resources.slots_per_trial` is at most that, even in a pool
 * with more slots, so an accepted experiment always gets its trials started
 * (a larger value was accepted, and every start of its trial failed with
 * "value out of range for type integer" while the experiment stayed ACTIVE
 * with nothing running).
 */
import { afterEach, expect, test } from "vitest";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

type Err = { error: { code: string; message: string; details: { errors: unknown[] } } };

test("slots_per_trial past 2^31 - 1 is INVALID_CONFIG; 2^31 - 1 itself runs", async () => {
  tm = await startTestMaster({ db: "postgres", pools: [{ name: "default", slots: 3e9 }] });
  const config = (slots: number) =>
    ashaConfig({ resources: { slots_per_trial: slots } }, { max_concurrent_trials: 1 });

  const refused = await tm.admin.post<Err>("/experiments", {
    config: config(2 ** 31),
    workdir: "/tmp",
  });
  expect(refused.status).toBe(400);
  expect(refused.body.error.code).toBe("INVALID_CONFIG");
  expect(refused.body.error.details.errors).toEqual([
    {
      path: "resources.slots_per_trial",
      message: "must be an integer between 1 and 2147483647, got 2147483648",
    },
  ]);
  expect(await tm.store.listExperimentSummaries({})).toEqual([]);

  const accepted = await tm.admin.post<{ id: number }>("/experiments", {
    config: config(2 ** 31 - 1),
    workdir: "/tmp",
  });
  expect(accepted.status).toBe(201);
  await tm.settle();
  const [spec] = tm.launcher.live.values();
  expect(spec?.slots).toBe(2 ** 31 - 1);
});
