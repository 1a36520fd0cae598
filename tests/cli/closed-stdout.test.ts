import { mkdtemp, rm } from "node:fs/promises";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runInProcess } from "./support/fake-io.js";
import { type CliResult, type CliRun, spawnCli } from "./support/run-cli.js";

const env = { PUSHTUNE_MASTER: "http://127.0.0.1:1" };

/** `pushtune …args | head -c 0`: the reader is gone before the first byte is written. */
function withStdoutClosed(args: string[]): Promise<CliResult> {
  const run: CliRun = spawnCli(args, { env });
  run.child.stdout!.destroy();
  return run.result;
}

describe.concurrent("a reader that stops reading ends the CLI quietly, as SIGPIPE would", () => {
  it.each([
    ["preview --json", ["preview", "examples/configs/asha.yaml", "--json"]],
    ["preview", ["preview", "examples/configs/asha.yaml"]],
    ["help", ["experiment", "--help"]],
  ])("%s", async (_, args) => {
    const r = await withStdoutClosed(args);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(141);
  });
});

describe("preview", () => {
  it("prints through the CLI's output, like every command", async () => {
    const json = await runInProcess(["preview", "examples/configs/asha.yaml", "--json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).totalLength).toBe(26_000);
    const text = await runInProcess(["preview", "examples/configs/asha.yaml"]);
    expect(text.stdout).toContain("total: 26,000 batches trained");
  });
});

describe("pushtune master", () => {
  it("goes on serving when its stdout's reader is gone before its start-up lines", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "pushtune-closed-stdout-"));
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
    const port = (taken.address() as AddressInfo).port;
    await new Promise((r) => taken.close(r));
    const run = spawnCli(["master", "--data-dir", dataDir, "--port", String(port)], {
      timeoutMs: 60_000,
    });
    run.child.stdout!.destroy();
    try {
      let health = 0;
      for (let i = 0; i < 300 && health !== 200; i++) {
        await new Promise((r) => setTimeout(r, 100));
        health = await fetch(`http://127.0.0.1:${port}/api/v1/health`).then(
          (r) => r.status,
          () => 0,
        );
      }
      expect(health).toBe(200);
      // Past its start-up lines: still there, still answering.
      await new Promise((r) => setTimeout(r, 500));
      expect(run.child.exitCode).toBeNull();
      expect((await fetch(`http://127.0.0.1:${port}/api/v1/health`)).status).toBe(200);
      run.child.kill("SIGTERM");
      expect((await run.result).code).toBe(0);
    } finally {
      run.child.kill("SIGKILL");
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
