/**
 * Every database's and the file system's "no room" is answered 507
 * STORAGE_FULL naming the full disk; other failures stay a 500 that names
 * nothing of the master's insides.
 */
import Fastify from "fastify";
import { expect, test } from "vitest";
import { installErrorHandling } from "../../src/master/http/errors.js";

async function answerTo(thrown: Error & { code?: string }) {
  const app = Fastify();
  installErrorHandling(app);
  app.get("/", async () => {
    throw thrown;
  });
  const res = await app.inject({ method: "GET", url: "/" });
  await app.close();
  return {
    status: res.statusCode,
    body: res.json() as { error: { code: string; message: string } },
  };
}

const failure = (code: string, message: string) => Object.assign(new Error(message), { code });

test.each([
  ["SQLite", failure("SQLITE_FULL", "database or disk is full")],
  ["PostgreSQL", failure("53100", "could not extend file: No space left on device")],
  ["a file", failure("ENOSPC", "no space left on device, write")],
])("%s out of room is 507 STORAGE_FULL naming the full disk", async (_what, thrown) => {
  const { status, body } = await answerTo(thrown);
  expect(status).toBe(507);
  expect(body.error.code).toBe("STORAGE_FULL");
  expect(body.error.message).toContain("the master's disk is full");
  expect(body.error.message).toContain(thrown.message);
});

test("another database failure is a 500 that does not show it", async () => {
  const { status, body } = await answerTo(
    failure("SQLITE_CORRUPT", "database disk image is malformed"),
  );
  expect(status).toBe(500);
  expect(body.error.code).toBe("INTERNAL");
  expect(body.error.message).not.toContain("malformed");
});
