/**
 * A request must arrive whole within REQUEST_TIMEOUT_MS: an upload that
 * stalls is answered 408 and its connection closed by Node's HTTP server,
 * rather than held open for as long as its client likes.
 */
import { afterEach, expect, test } from "vitest";
import { REQUEST_TIMEOUT_MS } from "../../src/master/http/server.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

test("the master's HTTP server bounds how long a request may take to arrive", async () => {
  tm = await startTestMaster({ slots: 1 });
  const server = tm.app.server;
  expect(REQUEST_TIMEOUT_MS).toBeGreaterThan(0);
  expect(server.requestTimeout).toBe(REQUEST_TIMEOUT_MS);
  // Headers arrive within both bounds; Node checks them no later than the whole request.
  expect(server.headersTimeout).toBeGreaterThan(0);
  expect(server.headersTimeout).toBeLessThanOrEqual(REQUEST_TIMEOUT_MS);
});
