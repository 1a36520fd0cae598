/**
 * A POST that takes no body may be sent with none at all, as `curl -X POST
 * …/pause` sends it (no content-type, no bytes), or as a client that puts
 * `content-type: application/json` on every request sends it (no bytes): it
 * does what it does with `{}`. A body in another media type than JSON is
 * refused naming the type.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { TestMaster } from "./support/harness.js";
import { oneRunningTrial } from "./support/raw-requests.js";

let tm: TestMaster;
let experimentId: number;
let allocationId: string;
let trialToken: string;

beforeAll(async () => {
  ({ tm, experimentId, allocationId, token: trialToken } = await oneRunningTrial("sqlite"));
});
afterAll(async () => tm?.close());

/** `url` POSTed with no body and no content-type, with the bearer `token`. */
async function postNothing(
  url: string,
  token = tm.adminToken,
  headers: Record<string, string> = {},
) {
  const res = await tm.app.inject({
    method: "POST",
    url: `/api/v1${url}`,
    headers: { authorization: `Bearer ${token}`, ...headers },
  });
  return { status: res.statusCode, body: res.body ? res.json() : null };
}

describe("a POST with no body", () => {
  test("pauses and activates an experiment", async () => {
    const paused = await postNothing(`/experiments/${experimentId}/pause`);
    expect(paused.status, JSON.stringify(paused.body)).toBe(200);
    expect(paused.body.state).toMatch(/PAUS/);
    await tm.settle();
    const active = await postNothing(`/experiments/${experimentId}/activate`);
    expect(active.status, JSON.stringify(active.body)).toBe(200);
    expect(active.body.state).toBe("ACTIVE");
  });

  test("acknowledges a trial's preemption", async () => {
    const ack = await postNothing(
      `/allocations/${allocationId}/signals/ack_preemption`,
      trialToken,
    );
    expect(ack.status, JSON.stringify(ack.body)).toBe(200);
  });

  test("logs a user out and revokes a user's tokens", async () => {
    expect((await tm.admin.post("/users", { username: "carol" })).status).toBe(201);
    expect((await postNothing("/users/carol/revoke_tokens")).status).toBe(200);
    const dave = await tm.admin.post<{ token: string }>("/users", { username: "dave" });
    const out = await postNothing("/auth/logout", dave.body.token);
    expect(out.status, JSON.stringify(out.body)).toBe(204);
    expect((await tm.as(dave.body.token).get("/me")).status).toBe(401);
  });

  test("forks an experiment as {} does", async () => {
    const fork = await postNothing(`/experiments/${experimentId}/fork`);
    expect(fork.status, JSON.stringify(fork.body)).toBe(201);
    expect(fork.body.id).not.toBe(experimentId);
    await tm.admin.post(`/experiments/${fork.body.id}/kill`);
    await tm.settle();
  });

  test("is still refused where a body is needed, naming it", async () => {
    const res = await postNothing("/experiments");
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/body/);
  });
});

describe("a POST with content-type application/json and no bytes", () => {
  const json = { "content-type": "application/json" };

  test("pauses and activates an experiment", async () => {
    const paused = await postNothing(`/experiments/${experimentId}/pause`, tm.adminToken, json);
    expect(paused.status, JSON.stringify(paused.body)).toBe(200);
    expect(paused.body.state).toMatch(/PAUS/);
    await tm.settle();
    const active = await postNothing(`/experiments/${experimentId}/activate`, tm.adminToken, json);
    expect(active.status, JSON.stringify(active.body)).toBe(200);
    expect(active.body.state).toBe("ACTIVE");
  });

  test("is still refused where a body is needed, naming it", async () => {
    const res = await postNothing("/experiments", tm.adminToken, json);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/body/i);
  });

  test("with bytes that are not JSON is refused as before", async () => {
    const res = await tm.app.inject({
      method: "POST",
      url: `/api/v1/experiments/${experimentId}/pause`,
      headers: { authorization: `Bearer ${tm.adminToken}`, ...json },
      payload: "{",
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("BAD_REQUEST");
  });
});

test("a body that is not JSON is refused naming its content-type", async () => {
  const res = await tm.app.inject({
    method: "POST",
    url: `/api/v1/experiments/${experimentId}/pause`,
    headers: {
      authorization: `Bearer ${tm.adminToken}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    payload: "a=1",
  });
  expect(res.statusCode).toBe(415);
  expect(res.json().error.message).toBe(
    "a body must be JSON (content-type application/json), not application/x-www-form-urlencoded",
  );
});
