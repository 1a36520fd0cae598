import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, test } from "vitest";
import { ERROR_STATUS } from "../../src/protocol/api/errors.js";
import { HttpTransport, RequestError, RetryableError } from "../../src/sdk/index.js";

let server: Server;
let master: string;
const seen: { method?: string; url?: string; auth?: string; body: string }[] = [];

beforeAll(async () => {
  server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, body });
    const send = (status: number, text: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(text);
    };
    // A user token the master refuses, for the reason the path names.
    const refused = req.url?.match(/^\/api\/v1\/refused\/([A-Z_]+)$/);
    if (refused) return send(401, JSON.stringify({ error: { code: refused[1], message: "no" } }));
    switch (req.url) {
      case "/api/v1/ok":
        return send(200, '{"op":null,"completed":true}');
      case "/api/v1/empty":
        return send(204, "");
      case "/api/v1/conflict":
        return send(
          409,
          '{"error":{"code":"METRIC_CONFLICT","message":"differs","details":{"stepsCompleted":3}}}',
        );
      case "/api/v1/teapot":
        return send(418, "<html>no</html>");
      case "/api/v1/busy":
        return send(429, '{"error":{"code":"UNAVAILABLE","message":"slow down"}}', {
          "retry-after": "2",
        });
      case "/api/v1/down":
        return send(503, '{"error":{"code":"UNAVAILABLE","message":"restarting"}}');
      case "/api/v1/slow":
        return setTimeout(() => send(200, "{}"), 2000);
      default:
        return send(404, '{"error":{"code":"NOT_FOUND","message":"no route"}}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  master = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const transport = () => new HttpTransport({ master, token: "t0k3n", timeoutMs: 500 });
const failure = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );

test("a request carries the bearer token and a JSON body, and resolves with the parsed answer", async () => {
  expect(await transport().request("POST", "/ok", { progress: 3 })).toEqual({
    op: null,
    completed: true,
  });
  expect(seen.at(-1)).toEqual({
    method: "POST",
    url: "/api/v1/ok",
    auth: "Bearer t0k3n",
    body: '{"progress":3}',
  });
  expect(await transport().request("GET", "/empty")).toBeNull();
});

test("the REST API's own URL (…/api/v1, as the README shows it) is taken for the master's", async () => {
  for (const given of [`${master}/api/v1`, `${master}/api/v1/`]) {
    const t = new HttpTransport({ master: given, token: "t0k3n", timeoutMs: 500 });
    expect(await t.request("POST", "/ok", {})).toEqual({ op: null, completed: true });
    expect(seen.at(-1)?.url).toBe("/api/v1/ok");
  }
});

test("a 4xx with an error body is a final RequestError with the master's code", async () => {
  const error = await failure(transport().request("POST", "/conflict", {}));
  expect(error).toBeInstanceOf(RequestError);
  expect(error).toMatchObject({
    code: "METRIC_CONFLICT",
    status: 409,
    details: { stepsCompleted: 3 },
  });
});

test("every refusal of a user's token (a search process's) arrives with its own code, not retried", async () => {
  const codes = Object.entries(ERROR_STATUS)
    .filter(([, status]) => status === 401)
    .map(([code]) => code);
  expect(codes).toContain("USER_DEACTIVATED");
  for (const code of codes) {
    const error = await failure(transport().request("GET", `/refused/${code}`));
    expect(error).toBeInstanceOf(RequestError);
    expect(error).toMatchObject({ code, status: 401 });
  }
});

test("a 4xx without an error body still gets a code from its status", async () => {
  expect(await failure(transport().request("GET", "/teapot"))).toMatchObject({
    code: "BAD_REQUEST",
    status: 418,
  });
  expect(await failure(transport().request("GET", "/nowhere"))).toMatchObject({
    code: "NOT_FOUND",
    status: 404,
  });
});

test("429 and 5xx are retryable, and Retry-After is kept", async () => {
  const busy = await failure(transport().request("GET", "/busy"));
  expect(busy).toBeInstanceOf(RetryableError);
  expect(busy).toMatchObject({ status: 429, retryAfterMs: 2000 });
  expect(await failure(transport().request("GET", "/down"))).toMatchObject({ status: 503 });
});

test("a refused connection and a timeout are retryable", async () => {
  const closed = new HttpTransport({ master: "http://127.0.0.1:1", token: "x" });
  expect(await failure(closed.request("GET", "/ok"))).toBeInstanceOf(RetryableError);
  const timedOut = await failure(transport().request("GET", "/slow"));
  expect(timedOut).toBeInstanceOf(RetryableError);
  expect((timedOut as Error).message).toMatch(/timed out/);
});

test("a request aborted by its caller rejects with the caller's reason, not a retryable error", async () => {
  const controller = new AbortController();
  const reason = new Error("preempted");
  setTimeout(() => controller.abort(reason), 20);
  expect(
    await failure(transport().request("GET", "/slow", undefined, { signal: controller.signal })),
  ).toBe(reason);
});
