/**
 * A 5xx can be diagnosed: the master logs it as one JSON line with the
 * request id, the route, the error's message and its stack, and the answer
 * carries the same id (in the body and the `x-request-id` header).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, expect, test } from "vitest";
import { bootstrapAdmin, createMaster, type Master } from "../../src/master/app/master.js";
import { buildServer } from "../../src/master/http/server.js";
import { FakeLauncher } from "../../src/master/launcher/fake-launcher.js";
import { openStore } from "../../src/master/storage/open-store.js";
import type { Store } from "../../src/master/storage/store.js";

let dataDir: string;
let store: Store;
let master: Master;
let app: Awaited<ReturnType<typeof buildServer>>;
let token: string;
const lines: Record<string, unknown>[] = [];

let broken = false;

/** The real store, but once `broken`, listing experiments fails the way a broken disk would. */
function failingStore(real: Store): Store {
  return new Proxy(real, {
    get(target, key, receiver) {
      if (key === "listExperimentSummarySizes" && broken)
        return async () => {
          throw new Error("disk I/O error while listing experiments");
        };
      const value = Reflect.get(target, key, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "pushtune-log-"));
  store = await openStore(join(dataDir, "pushtune.db"));
  token = (await bootstrapAdmin(store, dataDir)).token!;
  master = createMaster(failingStore(store), new FakeLauncher(1), {
    checkpointRoot: join(dataDir, "checkpoints"),
  });
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  app = await buildServer(master, { log: pino(sink) });
  await app.ready();
  broken = true;
});
afterAll(async () => {
  await app.close();
  await master.close();
  await store.close();
  await rm(dataDir, { recursive: true, force: true });
});

test("a 500 is logged once with its request id, route, message and stack, and answers with that id", async () => {
  const res = await app.inject({
    method: "GET",
    url: "/api/v1/experiments",
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.statusCode).toBe(500);
  const error = res.json().error;
  expect(error.code).toBe("INTERNAL");
  expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(res.headers["x-request-id"]).toBe(error.requestId);

  const logged = lines.filter((l) => l.reqId === error.requestId);
  expect(logged).toHaveLength(1);
  const [line] = logged as [
    { level: number; route: string; err: { message: string; stack: string } },
  ];
  expect(line.level).toBe(50);
  expect(line.route).toBe("GET /api/v1/experiments");
  expect(line.err.message).toBe("disk I/O error while listing experiments");
  expect(line.err.stack).toContain("server-error-log.test.ts");
});

test("each request has its own id, and a 4xx is answered with it but not logged", async () => {
  const before = lines.length;
  const a = await app.inject({
    method: "GET",
    url: "/api/v1/trials/99",
    headers: { authorization: `Bearer ${token}` },
  });
  const b = await app.inject({
    method: "GET",
    url: "/api/v1/trials/99",
    headers: { authorization: `Bearer ${token}` },
  });
  expect(a.statusCode).toBe(404);
  expect(a.json().error.requestId).toBe(a.headers["x-request-id"]);
  expect(a.headers["x-request-id"]).not.toBe(b.headers["x-request-id"]);
  expect(lines.length).toBe(before);
});

test("a request id sent by the client is not taken as the master's own", async () => {
  const res = await app.inject({
    method: "GET",
    url: "/api/v1/experiments",
    headers: { authorization: `Bearer ${token}`, "x-request-id": "forged" },
  });
  expect(res.headers["x-request-id"]).not.toBe("forged");
});
