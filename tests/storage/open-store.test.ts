import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, test } from "vitest";
import { connect, openStore, redactUrl } from "../../src/master/storage/open-store.js";
import { rejection } from "./conformance/context.js";

const dir = mkdtempSync(join(tmpdir(), "pushtune-open-store-"));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("opening a store from a URL", () => {
  test("a plain path, sqlite:/path and sqlite:///path open the same SQLite file", async () => {
    const path = join(dir, "same.db");
    const first = await openStore(path);
    const user = await first.createUser({ username: "ada", passwordHash: null, admin: true });
    await first.close();
    for (const url of [`sqlite:${path}`, `sqlite://${path}`]) {
      const store = await openStore(url);
      expect(await store.getUser(user.id)).toEqual(user);
      await store.close();
    }
  });

  test(":memory: and sqlite::memory: open a private in-memory database each time", async () => {
    for (const url of [":memory:", "sqlite::memory:"]) {
      const a = await openStore(url);
      const b = await openStore(url);
      await a.createUser({ username: "only-in-a", passwordHash: null, admin: false });
      expect(await b.getUserByName("only-in-a")).toBeNull();
      await a.close();
      await b.close();
    }
  });

  test("missing parent directories of a SQLite file are created", async () => {
    const store = await openStore(join(dir, "deep", "er", "pushtune.db"));
    await store.close();
  });

  test("a SQLite database runs in WAL mode with foreign keys enforced", async () => {
    const { db } = connect(join(dir, "pragmas.db"));
    try {
      const pragma = async (name: string) =>
        Object.values((await sql.raw(`pragma ${name}`).execute(db)).rows[0] as object)[0];
      expect(await pragma("journal_mode")).toBe("wal");
      expect(await pragma("foreign_keys")).toBe(1);
      expect(await pragma("synchronous")).toBe(1); // NORMAL
      expect(await pragma("busy_timeout")).toBeGreaterThan(0);
    } finally {
      await db.destroy();
    }
  });

  test("an unsupported URL is refused with a message saying what is supported", async () => {
    await expect(openStore("mysql://root:hunter2@db/pushtune")).rejects.toThrow(
      "unsupported database URL mysql://root:***@db/pushtune: use postgres://…, sqlite:/path/file.db or a file path",
    );
  });

  test("an unreachable PostgreSQL fails to open, naming the URL without its password", async () => {
    const error = (await rejection(() =>
      openStore("postgres://ada:hunter2@127.0.0.1:1/pushtune"),
    )) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(
      /^cannot open database postgres:\/\/ada:\*\*\*@127\.0\.0\.1:1\/pushtune: /,
    );
    expect(error.message).not.toContain("hunter2");
  });

  test("redactUrl hides only the password", () => {
    expect(redactUrl("postgresql://u:p%40ss@h:5432/db?sslmode=require")).toBe(
      "postgresql://u:***@h:5432/db?sslmode=require",
    );
    expect(redactUrl("postgres://u@h/db")).toBe("postgres://u@h/db");
    expect(redactUrl("/var/lib/pushtune/pushtune.db")).toBe("/var/lib/pushtune/pushtune.db");
  });
});
