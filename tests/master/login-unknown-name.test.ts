/**
 * A login with an unknown user name does the same password check as one with
 * a known name, so the time an answer takes does not tell which names exist.
 */
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { startTestMaster, type TestMaster } from "./support/harness.js";

const checks = vi.hoisted(() => ({ count: 0 }));
vi.mock("../../src/master/app/tokens.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/master/app/tokens.js")>();
  return {
    ...real,
    verifyPassword: (password: string, stored: string) => {
      checks.count++;
      return real.verifyPassword(password, stored);
    },
  };
});

let tm: TestMaster;
beforeAll(async () => {
  tm = await startTestMaster();
  await tm.admin.post("/users", { username: "ada", password: "correct horse" });
  await tm.admin.post("/users", { username: "tokenonly" });
});
afterAll(async () => tm.close());

test("a wrong password, an unknown name and a password-less user each cost one password check", async () => {
  for (const username of ["ada", "nobody-by-this-name", "tokenonly"]) {
    const before = checks.count;
    const res = await tm.as(null).post("/auth/login", { username, password: "wrong horse" });
    expect(res.status).toBe(401);
    expect(checks.count - before).toBe(1);
  }
});
