/**
 * A user name is one user's: asked for twice, at once or not, one user is
 * made and the other request is told the name exists (409), never a 500.
 */
import { afterEach, expect, test } from "vitest";
import { startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

test("a name asked for twice at once makes one user; the other request is told it exists", async () => {
  tm = await startTestMaster({ slots: 1 });
  const body = { username: "ada", password: "analytical-engine" };
  const answers = await Promise.all(
    Array.from({ length: 4 }, () => tm.admin.post<{ error?: { code: string } }>("/users", body)),
  );
  expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409]);
  for (const a of answers.filter((x) => x.status === 409))
    expect(a.body.error?.code).toBe("USER_EXISTS");
  expect((await tm.admin.post("/users", body)).status).toBe(409);
});
