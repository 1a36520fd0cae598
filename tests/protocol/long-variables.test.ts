/**
 * A trial's variables as its process gets them: a variable whose value grows
 * with the experiment's config and is too long to pass (Linux refuses one
 * over 128 KiB with E2BIG) is left out and named in PUSHTUNE_FROM_MASTER;
 * everything else is passed as it is.
 */
import { spawnSync } from "node:child_process";
import { expect, test } from "vitest";
import { LONGEST_PASSED_BYTES, passable } from "../../src/protocol/long-variables.js";

const base = {
  PUSHTUNE_TRIAL_ID: "7",
  PUSHTUNE_HPARAMS: '{"lr":0.1}',
  PUSHTUNE_EXPERIMENT_CONFIG: '{"name":"short"}',
  USER_VARIABLE: "x".repeat(LONGEST_PASSED_BYTES + 1),
};

test("short values pass as they are, and nothing is named", () => {
  expect(passable(base)).toEqual(base);
});

test("a config longer than the bound is left out and named; the hyperparameters stay", () => {
  const config = JSON.stringify({ vals: "é".repeat(LONGEST_PASSED_BYTES / 2 + 1) });
  const env = passable({ ...base, PUSHTUNE_EXPERIMENT_CONFIG: config });
  expect(env.PUSHTUNE_EXPERIMENT_CONFIG).toBeUndefined();
  expect(env.PUSHTUNE_FROM_MASTER).toBe("PUSHTUNE_EXPERIMENT_CONFIG");
  expect(env.PUSHTUNE_HPARAMS).toBe(base.PUSHTUNE_HPARAMS);
  // A user's own variable is the user's: passed as it is.
  expect(env.USER_VARIABLE).toBe(base.USER_VARIABLE);
});

test("both long ones are named, and a process starts with what is left", () => {
  const long = JSON.stringify({ vals: Array.from({ length: 30_000 }, (_, i) => i) });
  const full = { ...base, PUSHTUNE_HPARAMS: long, PUSHTUNE_EXPERIMENT_CONFIG: long };
  const env = passable(full);
  expect(env.PUSHTUNE_FROM_MASTER).toBe("PUSHTUNE_HPARAMS,PUSHTUNE_EXPERIMENT_CONFIG");
  const run = (vars: Record<string, string>) =>
    spawnSync(process.execPath, ["-e", "console.log(process.env.PUSHTUNE_FROM_MASTER)"], {
      env: vars,
      encoding: "utf8",
    });
  // What the launcher used to pass cannot start at all.
  expect(run(full).error?.message).toMatch(/E2BIG/);
  expect(run(env).stdout.trim()).toBe("PUSHTUNE_HPARAMS,PUSHTUNE_EXPERIMENT_CONFIG");
});
