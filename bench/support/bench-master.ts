/** A master on a real port with the fake launcher, for benchmarks. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootstrapAdmin, createMaster, type Master } from "../../src/master/app/master.js";
import { buildServer } from "../../src/master/http/server.js";
import { FakeLauncher } from "../../src/master/launcher/fake-launcher.js";
import { openStore } from "../../src/master/storage/open-store.js";

export interface BenchMaster {
  url: string;
  token: string;
  master: Master;
  launcher: FakeLauncher;
  settle(): Promise<void>;
  post(path: string, body: unknown, token?: string): Promise<unknown>;
  close(): Promise<void>;
}

/** @param dbUrl the database (default: a SQLite file in a temp dir) */
export async function startBenchMaster(slots: number, dbUrl?: string): Promise<BenchMaster> {
  const dir = await mkdtemp(join(tmpdir(), "pushtune-bench-"));
  const store = await openStore(dbUrl ?? join(dir, "pushtune.db"));
  const launcher = new FakeLauncher(slots);
  const master = createMaster(store, launcher, { checkpointRoot: join(dir, "ckpt") });
  const { token } = await bootstrapAdmin(store, dir);
  const app = await buildServer(master);
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  await master.start(url);
  const post = async (path: string, body: unknown, auth = token!) => {
    const res = await fetch(`${url}/api/v1${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${auth}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  return {
    url,
    token: token!,
    master,
    launcher,
    async settle() {
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setImmediate(r));
        await master.supervisor.idle();
      }
    },
    post,
    async close() {
      await app.close();
      await master.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits });
