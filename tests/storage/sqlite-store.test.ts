import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { openStore } from "../../src/master/storage/open-store.js";
import { describeStoreConformance } from "./store-conformance.js";

const dir = mkdtempSync(join(tmpdir(), "pushtune-sqlite-store-"));
let files = 0;

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describeStoreConformance("SQLite store", async () => {
  const url = `sqlite:${join(dir, `store-${++files}.db`)}`;
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
