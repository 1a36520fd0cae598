/**
 * Connections that ask nothing hold the master's file descriptors: they are
 * closed if no request starts in time, and the master takes no more than its
 * limit at once, so it can still start trials, open files and answer.
 */
import { connect, type Socket } from "node:net";
import { afterEach, expect, test, vi } from "vitest";
import { startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await tm?.close();
  tm = undefined;
});

async function listening(connections: { maxConnections: number; firstRequestMs: number }) {
  tm = await startTestMaster({ slots: 1, server: { connections } });
  await tm.app.listen({ port: 0, host: "127.0.0.1" });
  const address = tm.app.server.address();
  if (address === null || typeof address === "string") throw new Error("not listening");
  return address.port;
}

/** Opens a connection that sends nothing; resolves once it is connected. */
function idle(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => resolve(s));
    s.on("error", reject);
    sockets.push(s);
  });
}

const open = () => sockets.filter((s) => !s.destroyed && !s.readableEnded).length;

async function health(port: number): Promise<number> {
  return (await fetch(`http://127.0.0.1:${port}/api/v1/health`)).status;
}

test("a connection that sends no request in time is closed; one that asks is answered", async () => {
  const port = await listening({ maxConnections: 1000, firstRequestMs: 300 });
  for (let i = 0; i < 20; i++) await idle(port);
  for (const s of sockets) s.on("end", () => s.destroy());
  expect(await health(port)).toBe(200);
  await vi.waitFor(() => expect(open()).toBe(0), { timeout: 5000 });
  expect(await health(port)).toBe(200);
});

test("connections past the limit are closed as they come, and the master answers once they go", async () => {
  const port = await listening({ maxConnections: 10, firstRequestMs: 60_000 });
  for (let i = 0; i < 10; i++) await idle(port);
  const extra = await idle(port);
  await vi.waitFor(() => expect(extra.destroyed || extra.readableEnded).toBe(true));
  expect(open()).toBe(10);
  for (const s of sockets) s.destroy();
  await vi.waitFor(async () => expect(await health(port)).toBe(200), { timeout: 5000 });
});
