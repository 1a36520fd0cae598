/**
 * One caller may have at most MAX_OPEN_REQUESTS requests open at once (long
 * polls, uploads still arriving, answers not yet read); past that it gets 429
 * at once, and other callers are answered as before.
 */
import { afterEach, expect, test } from "vitest";
import { logKey } from "../../src/master/app/effects.js";
import { MAX_OPEN_REQUESTS } from "../../src/master/http/open-requests.js";
import { ashaConfig } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

async function newUserToken(name: string): Promise<string> {
  const res = await tm.admin.post<{ token: string }>("/users", { username: name });
  expect(res.status).toBe(201);
  return res.body.token;
}

/** Resolves once `n` long polls are parked in the notifier. */
async function parked(n: number): Promise<void> {
  while (tm.master.ctx.notifier.size < n) await new Promise((r) => setImmediate(r));
}

test("a caller's long polls past the bound get 429 while another user is answered", async () => {
  tm = await startTestMaster({ slots: 1 });
  const mallory = await newUserToken("mallory");
  const alice = await newUserToken("alice");
  await createExperiment(tm, ashaConfig());
  await tm.settle();
  const { body } = await tm.admin.get<{ trials: { id: number }[] }>("/experiments/1/trials");
  const trialId = body.trials[0]!.id;
  // No line has an id this high: each poll waits for a new line.
  const poll = `/trials/${trialId}/logs?after=1000000&waitSeconds=60`;

  const polls = Array.from({ length: MAX_OPEN_REQUESTS }, () => tm.as(mallory).get(poll));
  await parked(MAX_OPEN_REQUESTS);

  const refused = await tm.app.inject({
    method: "GET",
    url: "/api/v1/experiments",
    headers: { authorization: `Bearer ${mallory}` },
  });
  expect(refused.statusCode).toBe(429);
  expect(refused.json().error.code).toBe("TOO_MANY_REQUESTS");
  expect(refused.json().error.message).toContain(String(MAX_OPEN_REQUESTS));
  expect(refused.headers["retry-after"]).toBeDefined();
  expect(tm.master.ctx.notifier.size).toBe(MAX_OPEN_REQUESTS);

  // Another user, and the same experiment's readers, are not held back.
  expect((await tm.as(alice).get(`/trials/${trialId}/logs`)).status).toBe(200);
  expect((await tm.as(alice).get("/experiments")).status).toBe(200);

  // Once the polls are answered, the caller may ask again.
  tm.master.ctx.notifier.notify(logKey(trialId));
  for (const res of await Promise.all(polls)) expect(res.status).toBe(200);
  expect((await tm.as(mallory).get(`/trials/${trialId}/logs`)).status).toBe(200);
});

test("requests that have ended no longer count, and one without a token counts for nobody", async () => {
  tm = await startTestMaster({ slots: 1 });
  const mallory = await newUserToken("mallory");
  for (let i = 0; i < MAX_OPEN_REQUESTS + 5; i++) {
    expect((await tm.as(mallory).get("/experiments")).status).toBe(200);
  }
  expect((await tm.as(null).get("/experiments")).status).toBe(401);
  expect((await tm.as(mallory).get("/experiments")).status).toBe(200);
});
