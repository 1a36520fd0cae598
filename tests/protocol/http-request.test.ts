/**
 * The fetch over node:http that the SDK's transport and the CLI's client
 * share: a master that takes a request and goes silent fails it once the
 * connection has been idle `idleTimeoutMs` (code ENOANSWER), while the
 * headers are awaited and while a streamed answer is read alike.
 */
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, test } from "vitest";
import { httpFetch } from "../../src/protocol/http-request.js";

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  server = undefined;
});

/** A server answering every request with `answer`; its URL. */
async function serving(answer: RequestListener): Promise<string> {
  server = createServer(answer);
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

const codeOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => "resolved",
    (err: { code?: string; message?: string }) => `${err.code}: ${err.message}`,
  );

test("a request the server never answers fails with ENOANSWER after the idle timeout", async () => {
  const url = await serving(() => {});
  const failed = await codeOf(httpFetch(url, { method: "GET", headers: {}, idleTimeoutMs: 200 }));
  expect(failed).toBe("ENOANSWER: no answer for 0.2 s");
});

test("a streamed answer that stops mid-way fails its reader with ENOANSWER", async () => {
  const url = await serving((_req, res) => {
    res.writeHead(200, { "content-length": "1000" });
    res.write("part of it");
  });
  const res = await httpFetch(url, {
    method: "GET",
    headers: {},
    stream: true,
    idleTimeoutMs: 200,
  });
  expect(res.status).toBe(200);
  const read = async () => {
    for await (const _chunk of res.body!) {
      // reading until it fails
    }
  };
  expect(await codeOf(read())).toBe("ENOANSWER: no answer for 0.2 s");
});

test("an answer that comes in time is read whole, and the pooled connection serves the next", async () => {
  const url = await serving((_req, res) => {
    res.end(JSON.stringify({ ok: true }));
  });
  for (let i = 0; i < 2; i++) {
    const res = await httpFetch(url, { method: "GET", headers: {}, idleTimeoutMs: 200 });
    expect(res.statusText).toBe("OK");
    expect(await res.text()).toBe('{"ok":true}');
  }
  // Longer than the idle timeout: the timer of an ended request does not fire on the pooled socket.
  await new Promise((r) => setTimeout(r, 300));
  const again = await httpFetch(url, { method: "GET", headers: {}, idleTimeoutMs: 200 });
  expect(await again.text()).toBe('{"ok":true}');
});
