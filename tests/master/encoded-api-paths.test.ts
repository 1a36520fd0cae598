/**
 * The API's routes are matched on the decoded path: a percent-encoded
 * spelling of `/api/v1/…` reaches the same route, and must meet the same
 * authentication, never a route with no caller (a 500) or an open door.
 */
import { afterEach, expect, test } from "vitest";
import { startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

const get = (url: string, token?: string) =>
  tm.app.inject({
    method: "GET",
    url,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

test("an API path spelled with percent-escapes needs a token as the plain one does", async () => {
  tm = await startTestMaster({ slots: 1 });
  for (const path of ["/%61pi/v1/experiments", "/api/v1/%65xperiments", "/%61pi/v1/me"]) {
    expect((await get(path)).statusCode, path).toBe(401);
    expect((await get(path, tm.adminToken)).statusCode, path).toBe(200);
  }
  expect((await get("/%61pi/v1/openapi.json")).statusCode).toBe(401);
  // What is public stays public, however it is spelled.
  expect((await get("/api/v1/health")).statusCode).toBe((await get("/%61pi/v1/health")).statusCode);
});
