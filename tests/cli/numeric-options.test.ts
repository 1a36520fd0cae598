import { describe, expect, it } from "vitest";
import { runInProcess } from "./support/fake-io.js";

// A master config that cannot be read: were a flag let through, `master` would stop there.
const noConfig = ["--config", "/nonexistent/pushtune-master.yaml"];

describe("numeric options are checked as the config files check the same values, naming the flag", () => {
  it.each([
    [["--slots", "-3"], "--slots: must be an integer between 1 and 2147483647, got -3"],
    [["--slots", "0"], "--slots: must be an integer between 1 and 2147483647, got 0"],
    [["--slots", "2.5"], '--slots: must be an integer between 1 and 2147483647, got "2.5"'],
    [
      ["--slots", "2147483648"],
      "--slots: must be an integer between 1 and 2147483647, got 2147483648",
    ],
    [["--port", "abc"], '--port: must be an integer between 0 and 65535, got "abc"'],
    [["--port", "70000"], "--port: must be an integer between 0 and 65535, got 70000"],
    [["--stop-timeout", "-5"], "--stop-timeout: must be an integer between 0 and 2147483, got -5"],
    [["--token-ttl-days", "0"], "--token-ttl-days: must be an integer between 1 and 36500, got 0"],
  ])("master %j", async (args, message) => {
    const r = await runInProcess(["master", ...args, ...noConfig]);
    expect(r.stderr).toBe(`pushtune: ${message}\n`);
    expect(r.code).toBe(2);
  });

  // A config that cannot be read: were the flag let through, the demo would stop there.
  it.each([
    ["abc", '"abc"'],
    ["0", "0"],
    ["-1", "-1"],
    ["1.5", '"1.5"'],
  ])(
    "demo --slots %s: what master --slots takes, not a master with no slots",
    async (slots, shown) => {
      const r = await runInProcess([
        "demo",
        "--config",
        "/nonexistent/pushtune-demo.yaml",
        "--slots",
        slots,
      ]);
      expect(r.stderr).toBe(
        `pushtune: --slots: must be an integer between 1 and 2147483647, got ${shown}\n`,
      );
      expect(r.code).toBe(2);
    },
  );

  it.each([
    ["-1", "-1"],
    ["4294967296", "4294967296"],
    ["1.5", '"1.5"'],
    ["seven", '"seven"'],
  ])("preview --seed %s: what experiment_seed takes, 0 to 4294967295", async (seed, shown) => {
    const r = await runInProcess(["preview", "examples/configs/asha.yaml", "--seed", seed]);
    expect(r.stderr).toBe(
      `pushtune: --seed: must be an integer between 0 and 4294967295, got ${shown}\n`,
    );
    expect(r.code).toBe(2);
  });

  it.each(["0", "4294967295"])("preview --seed %s is a seed", async (seed) => {
    const r = await runInProcess(["preview", "examples/configs/asha.yaml", "--seed", seed]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("async_halving: 12 trials");
  });
});
