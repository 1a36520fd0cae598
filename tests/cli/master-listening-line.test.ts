/**
 * `pushtune master` says where it listens: a URL that works from this
 * machine, and, when it takes every address (`--host 0.0.0.0`), that it does,
 * so the 127.0.0.1 in the URL is not read as the host setting ignored.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { startMasterProcess } from "../support/master-process.js";

async function listeningLine(args: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "pushtune-listen-"));
  const m = await startMasterProcess(join(dir, "data"), args);
  try {
    expect((await fetch(`${m.url}/api/v1/health`)).status).toBe(200);
    return m
      .output()
      .split("\n")
      .find((l) => l.includes("listening on"))!;
  } finally {
    await m.kill("SIGTERM");
    await rm(dir, { recursive: true, force: true });
  }
}

test("a master on every address says so beside a URL that works here", async () => {
  expect(await listeningLine(["--host", "0.0.0.0"])).toMatch(
    /^pushtune master listening on http:\/\/127\.0\.0\.1:\d+ \(on every address \(0\.0\.0\.0\); database /,
  );
});

test("a master on one address names only it", async () => {
  const line = await listeningLine(["--host", "127.0.0.1"]);
  expect(line).toMatch(/^pushtune master listening on http:\/\/127\.0\.0\.1:\d+ \(database /);
  expect(line).not.toContain("every address");
});
