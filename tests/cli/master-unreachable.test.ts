import { describe, expect, it } from "vitest";
import { closedPort } from "./support/cli-master.js";
import { runCli } from "./support/run-cli.js";

describe("a master that cannot be reached", () => {
  it("is named by its URL, with how to start one, and the command fails with 1", async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}`;
    const r = await runCli(["experiment", "list"], { env: { PUSHTUNE_MASTER: url } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot reach the master at ${url}`);
    expect(r.stderr).toContain("connection refused");
    expect(r.stderr).toContain("pushtune master");
    expect(r.stdout).toBe("");
  });

  it("--master overrides PUSHTUNE_MASTER", async () => {
    const port = await closedPort();
    const r = await runCli(["--master", `127.0.0.1:${port}`, "experiment", "describe", "1"], {
      env: { PUSHTUNE_MASTER: "http://127.0.0.1:1" },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot reach the master at http://127.0.0.1:${port}`);
  });

  it("a master URL that is not http is a usage error", async () => {
    const r = await runCli(["experiment", "list", "--master", "ftp://example.com"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("must start with http:// or https://");
  });
});
