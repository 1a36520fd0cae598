/** Users and their API tokens. */
import type { Selectable } from "kysely";
import { type Db, fromBool, toBool, toDate } from "./codec.js";
import type { UsersTable } from "./schema.js";
import type { UserRow } from "./store.js";

function toUser(row: Selectable<UsersTable>): UserRow {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    admin: toBool(row.admin),
    createdAt: toDate(row.created_at),
  };
}

export async function createUser(
  db: Db,
  now: number,
  input: { username: string; passwordHash: string | null; admin: boolean },
): Promise<UserRow> {
  const row = await db
    .insertInto("users")
    .values({
      username: input.username,
      password_hash: input.passwordHash,
      admin: fromBool(input.admin),
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toUser(row);
}

export async function getUserByName(db: Db, username: string): Promise<UserRow | null> {
  const row = await db
    .selectFrom("users")
    .selectAll()
    .where("username", "=", username)
    .executeTakeFirst();
  return row ? toUser(row) : null;
}

export async function getUser(db: Db, id: number): Promise<UserRow | null> {
  const row = await db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toUser(row) : null;
}

export async function addUserToken(
  db: Db,
  now: number,
  userId: number,
  tokenHash: string,
): Promise<void> {
  await db
    .insertInto("user_tokens")
    .values({ token_hash: tokenHash, user_id: userId, created_at: now })
    .execute();
}

export async function findUserByTokenHash(db: Db, tokenHash: string): Promise<UserRow | null> {
  const row = await db
    .selectFrom("user_tokens")
    .innerJoin("users", "users.id", "user_tokens.user_id")
    .selectAll("users")
    .where("user_tokens.token_hash", "=", tokenHash)
    .executeTakeFirst();
  return row ? toUser(row) : null;
}
