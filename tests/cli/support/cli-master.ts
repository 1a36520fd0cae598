/**
 * A master for CLI tests: the in-process test master listening on a real
 * port, and the environment a `pushtune` child process needs to reach it.
 */
import { createServer } from "node:net";
import { startTestMaster, type TestMaster } from "../../master/support/harness.js";

export interface CliMaster {
  tm: TestMaster;
  url: string;
  /** PUSHTUNE_MASTER, PUSHTUNE_TOKEN (the admin's) and PUSHTUNE_DATA_DIR (the master's). */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startCliMaster(
  options: { slots?: number; pools?: { name: string; slots: number }[] } = {},
): Promise<CliMaster> {
  const tm = await startTestMaster({
    slots: options.slots ?? 4,
    ...(options.pools ? { pools: options.pools } : {}),
  });
  await tm.app.listen({ host: "127.0.0.1", port: 0 });
  const address = tm.app.server.address();
  if (typeof address !== "object" || !address) throw new Error("the test master has no port");
  const url = `http://127.0.0.1:${address.port}`;
  return {
    tm,
    url,
    env: { PUSHTUNE_MASTER: url, PUSHTUNE_TOKEN: tm.adminToken, PUSHTUNE_DATA_DIR: tm.dataDir },
    close: () => tm.close(),
  };
}

/** A port nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
