/**
 * `POST /searcher/preview`'s `seed` stands for `reproducibility.experiment_seed`
 * and takes what it takes, 0 to 4294967295, as `pushtune preview --seed` does:
 * a seed no experiment can run with is a 400 naming it, not the plan of some
 * other seed (-1e300 and 1e300 were both answered, with one same plan).
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster;
beforeAll(async () => {
  tm = await startTestMaster();
});
afterAll(async () => tm.close());

type Err = { error: { code: string; message: string } };

test.each([
  ["-1", "must be >= 0"],
  ["4294967296", "must be <= 4294967295"],
  ["1e300", "must be <= 4294967295"],
  ["-1e300", "must be >= 0"],
])("seed %s is refused with a 400 naming body/seed", async (seed, message) => {
  const res = await tm.app.inject({
    method: "POST",
    url: "/api/v1/searcher/preview",
    headers: { authorization: `Bearer ${tm.adminToken}`, "content-type": "application/json" },
    payload: `{"config":${JSON.stringify(ashaConfig())},"seed":${seed}}`,
  });
  expect(res.statusCode).toBe(400);
  const body = res.json() as Err;
  expect(body.error.code).toBe("BAD_REQUEST");
  expect(body.error.message).toBe(`body/seed: ${message}`);
});

test.each([0, 4294967295])("seed %s is the plan of an experiment with that seed", async (seed) => {
  const given = await tm.admin.post("/searcher/preview", { config: ashaConfig(), seed });
  const inConfig = await tm.admin.post("/searcher/preview", {
    config: ashaConfig({ reproducibility: { experiment_seed: seed } }),
  });
  expect(given.status).toBe(200);
  expect(inConfig.status).toBe(200);
  expect(given.body).toEqual(inConfig.body);
});
