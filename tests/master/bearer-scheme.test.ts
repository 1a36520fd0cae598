/** The `Bearer` auth scheme is matched case-insensitively (RFC 7235 §2.1); the token itself is not. */
import { afterAll, beforeAll, expect, test } from "vitest";
import { startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster;
beforeAll(async () => {
  tm = await startTestMaster();
});
afterAll(async () => tm.close());

const me = (authorization: string) =>
  tm.app.inject({ method: "GET", url: "/api/v1/me", headers: { authorization } });

test.each(["bearer", "BEARER", "Bearer", "bEaReR"])(
  "the scheme spelled %s is accepted",
  async (scheme) => {
    const res = await me(`${scheme} ${tm.adminToken}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().username).toBe("admin");
  },
);

test("a token in another case, or another scheme, is still refused", async () => {
  expect((await me(`Bearer ${tm.adminToken.toUpperCase()}`)).statusCode).toBe(401);
  expect((await me(`Basic ${tm.adminToken}`)).statusCode).toBe(401);
  expect((await me(`Bearer`)).statusCode).toBe(401);
});
