/**
 * The conformance suite on PostgreSQL, in a database of its own that is
 * created for this run and dropped afterwards. PostgreSQL must be running
 * (it always is in CI): when it cannot be reached every test fails, saying
 * why, instead of being skipped.
 *
 * The server is `postgres://postgres@127.0.0.1:5432/postgres` with trust
 * auth, or the `root` role when `postgres` does not exist; set
 * PUSHTUNE_TEST_POSTGRES_URL to use another admin connection.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { openStore } from "../../src/master/storage/open-store.js";
import { describeStoreConformance } from "./store-conformance.js";

const adminUrls = process.env.PUSHTUNE_TEST_POSTGRES_URL
  ? [process.env.PUSHTUNE_TEST_POSTGRES_URL]
  : ["postgres://postgres@127.0.0.1:5432/postgres", "postgres://root@127.0.0.1:5432/postgres"];

const database = `pushtune_test_${randomBytes(6).toString("hex")}`;

let adminUrl: string | undefined;
let unreachable: Error | undefined;

async function query(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

function errorText(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) {
    return err.errors.map(errorText).join("; ");
  }
  return err instanceof Error
    ? err.message || String((err as { code?: unknown }).code)
    : String(err);
}

/** `postgres://user@host:port/postgres` → the same server, `database`. */
function urlFor(admin: string): string {
  const url = new URL(admin);
  url.pathname = `/${database}`;
  return url.toString();
}

beforeAll(async () => {
  const failures: string[] = [];
  for (const url of adminUrls) {
    try {
      await query(url, `create database ${database}`);
      adminUrl = url;
      return;
    } catch (err) {
      failures.push(`${url}: ${errorText(err)}`);
    }
  }
  unreachable = new Error(
    `PostgreSQL is required for these tests but could not be used (${failures.join(" | ")}). ` +
      "Start PostgreSQL on 127.0.0.1:5432 with trust auth, or set PUSHTUNE_TEST_POSTGRES_URL.",
  );
});

afterAll(async () => {
  if (adminUrl) await query(adminUrl, `drop database if exists ${database} with (force)`);
});

describeStoreConformance("PostgreSQL store", async () => {
  if (!adminUrl) throw unreachable ?? new Error("PostgreSQL test database was not created");
  const url = urlFor(adminUrl);
  const store = await openStore(url);
  let closed = false;
  return {
    store,
    url,
    async cleanup() {
      if (!closed) await store.close();
      closed = true;
    },
  };
});
