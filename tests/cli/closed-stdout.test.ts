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
