import { sql } from "kysely";
import { expect, test } from "vitest";
import { SCHEMA_VERSION, SchemaTooNewError } from "../../../src/master/storage/migrations.js";
import { connect, openStore } from "../../../src/master/storage/open-store.js";
import { type ConformanceContext, newUser, rejection } from "./context.js";

async function setSchemaVersion(url: string, version: number): Promise<void> {
  const { db } = connect(url);
  try {
    await sql`update schema_version set version = ${version} where id = 1`.execute(db);
  } finally {
    await db.destroy();
  }
}

export function schemaTests(ctx: ConformanceContext): void {
  test("reopening a database keeps its data and migrates nothing twice", async () => {
    const { store, fixture } = ctx;
    const user = await newUser(store);
    const again = await openStore(fixture.url);
    try {
      expect(await again.getUser(user.id)).toEqual(user);
      const third = await openStore(fixture.url);
      await third.close();
    } finally {
      await again.close();
    }
  });

  test("a database with a newer schema version is refused with a clear error", async () => {
    const { fixture } = ctx;
    const newer = SCHEMA_VERSION + 2;
    await setSchemaVersion(fixture.url, newer);
    try {
      const error = await rejection(() => openStore(fixture.url));
      expect(error).toBeInstanceOf(SchemaTooNewError);
      expect((error as Error).message).toBe(
        `database schema version ${newer} is newer than this pushtune (${SCHEMA_VERSION}); upgrade pushtune`,
      );
    } finally {
      await setSchemaVersion(fixture.url, SCHEMA_VERSION);
    }
    const reopened = await openStore(fixture.url);
    await reopened.close();
  });
}
