/**
 * A master recovers and launches only once it knows the URL its trials must
 * use: before `start(url)` nothing is launched, not even the trials a
 * previous master left behind, and no trial can ever be told an empty URL.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { bootstrapAdmin, createMaster, type Master } from "../../src/master/app/master.js";
import { FakeLauncher } from "../../src/master/launcher/fake-launcher.js";
import { openStore } from "../../src/master/storage/open-store.js";
import type { Store } from "../../src/master/storage/store.js";
import { ashaConfig } from "./support/configs.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function settle(master: Master) {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setImmediate(r));
    await master.supervisor.idle();
  }
}

/** A fresh data dir with its store and admin user. */
async function dataDirWithStore() {
  const dataDir = await mkdtemp(join(tmpdir(), "pushtune-url-"));
  cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
  const store = await openStore(join(dataDir, "pushtune.db"));
  cleanup.push(() => store.close());
  const { user } = await bootstrapAdmin(store, dataDir);
  return { dataDir, store, user };
}

async function newMaster(store: Store, dataDir: string) {
  const launcher = new FakeLauncher(4);
  const master = createMaster(store, launcher, { checkpointRoot: join(dataDir, "checkpoints") });
  cleanup.push(() => master.close());
  return { master, launcher };
}

test("a restarted master relaunches the trials left behind only after start, with its URL", async () => {
  const { dataDir, store, user } = await dataDirWithStore();

  const first = await newMaster(store, dataDir);
  await first.master.start("http://127.0.0.1:4001");
  await first.master.experiments.create({ config: ashaConfig(), workdir: "/tmp" }, user.id);
  await settle(first.master);
  expect(first.launcher.launched.map((s) => s.env.PUSHTUNE_MASTER)).toEqual(
    Array(3).fill("http://127.0.0.1:4001"),
  );
  // The master goes away with its trials running, as a kill -9 leaves them.
  await first.master.close();

  const second = await newMaster(store, dataDir);
  await settle(second.master);
  expect(second.launcher.launched).toEqual([]);
  expect((await store.listLiveAllocations()).length).toBe(3);

  await second.master.start("http://127.0.0.1:4002");
  await settle(second.master);
  expect(second.launcher.launched.map((s) => s.env.PUSHTUNE_MASTER)).toEqual(
    Array(3).fill("http://127.0.0.1:4002"),
  );
});

test("a master refuses to start with an empty or non-http URL, and launches nothing", async () => {
  const { dataDir, store, user } = await dataDirWithStore();
  const { master, launcher } = await newMaster(store, dataDir);
  await master.experiments.create({ config: ashaConfig(), workdir: "/tmp" }, user.id);
  for (const url of ["", "127.0.0.1:8080", "ftp://host:21"]) {
    await expect(master.start(url)).rejects.toThrow(/must be an http\(s\) URL/);
  }
  await settle(master);
  expect(launcher.launched).toEqual([]);
});
