import { describe, expect, it } from "vitest";
import { runCli } from "./support/run-cli.js";

// None of these reach a master: they fail while the command line is read.
const env = { PUSHTUNE_MASTER: "http://127.0.0.1:1" };

describe.concurrent("usage errors exit with 2 and say what was wrong", () => {
  it("an unknown flag", async () => {
    const r = await runCli(["experiment", "list", "--bogus"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--bogus'");
  });

  it("a missing argument", async () => {
    const r = await runCli(["experiment", "describe"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("missing required argument 'id'");
  });

  it("an id that is not a number", async () => {
    const r = await runCli(["trial", "describe", "twelve"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('trial id must be a positive integer, got "twelve"');
  });

  it("an unknown command, with a suggestion", async () => {
    const r = await runCli(["experiment", "lst"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'lst'");
    expect(r.stderr).toContain("list");
  });

  it("a bad option value", async () => {
    const r = await runCli(["trial", "logs", "3", "--tail", "-5"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--tail must be a positive integer");
  });

  it("flags that do not go together", async () => {
    const r = await runCli(
      ["experiment", "create", "examples/configs/asha.yaml", "--json", "--follow"],
      { env },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--json and --follow do not go together");
  });

  it("--interval without --follow, which it would pace", async () => {
    const r = await runCli(
      ["experiment", "create", "examples/configs/asha.yaml", "--interval", "5"],
      {
        env,
      },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--interval is the time between updates of --follow");
  });

  it("checkpoint list needs an experiment or a trial, not both", async () => {
    const none = await runCli(["checkpoint", "list"], { env });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("give an experiment id or --trial ID");
    const both = await runCli(["checkpoint", "list", "3", "--trial", "4"], { env });
    expect(both.code).toBe(2);
  });

  it("help exits with 0", async () => {
    const r = await runCli(["experiment", "--help"], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("create");
    expect(r.stdout).toContain("follow");
  });

  it("help NAME SUBCOMMAND shows that subcommand's help, as NAME SUBCOMMAND --help does", async () => {
    for (const args of [
      ["help", "experiment", "pause"],
      ["help", "e", "pause"],
    ]) {
      const r = await runCli(args, { env });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: pushtune experiment pause \[options\] <id>\n/);
    }
  });
});
