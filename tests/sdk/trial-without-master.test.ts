/**
 * A process started as a trial (PUSHTUNE_TRIAL_ID set) with no usable
 * PUSHTUNE_MASTER never dry-runs: it would train on its own, exit 0 and look
 * done. It stops at once with one line on stderr and exit status 1. A script
 * run in a shell that exports the CLI's PUSHTUNE_MASTER and PUSHTUNE_TOKEN,
 * but no trial's variables, is a dry run.
 */
import { spawn } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect, test } from "vitest";
import { FakeMaster, init, TrialEnvironmentError, trials } from "../../src/sdk/index.js";

/** A trial script using `entry` (`init` or `trials`), run with `vars` as its only PUSHTUNE_*. */
async function runTrialScript(entry: "init" | "trials", vars: Record<string, string>) {
  const dir = await mkdtemp(join(tmpdir(), "pushtune-no-master-"));
  const script = join(dir, "train.mts");
  const sdk = resolve("src/sdk/index.ts");
  const body =
    entry === "init"
      ? "const ctx = await init(); console.log('dry run', ctx.dryRun);"
      : "for await (const ctx of trials()) console.log('dry run', ctx.dryRun);";
  await writeFile(script, `import { init, trials } from ${JSON.stringify(sdk)};\n${body}\n`);
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("PUSHTUNE_")),
  );
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    env: { ...env, ...vars },
    cwd: resolve("."),
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((done) => child.on("exit", done));
  return { code, stdout, stderr };
}

/** What the master gives a trial, but for PUSHTUNE_MASTER. */
function trialVars(master: string): Record<string, string> {
  return { ...new FakeMaster({ trialId: 4 }).env(), PUSHTUNE_MASTER: master };
}

test.each([
  ["init", ""],
  ["trials", ""],
  ["init", "127.0.0.1:8080"],
  ["trials", "ftp://master:21"],
] as const)(
  "%s() in a trial process with PUSHTUNE_MASTER=%j exits 1 with one line, never a dry run",
  async (entry, master) => {
    const { code, stdout, stderr } = await runTrialScript(entry, trialVars(master));
    expect(code).toBe(1);
    expect(stdout).not.toMatch(/dry run/);
    const lines = stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^pushtune: cannot start this trial: PUSHTUNE_MASTER /);
  },
  60_000,
);

test.each(["init", "trials"] as const)(
  "%s() with only the CLI's PUSHTUNE_MASTER and PUSHTUNE_TOKEN set runs a local dry run",
  async (entry) => {
    const cli = { PUSHTUNE_MASTER: "http://127.0.0.1:8080", PUSHTUNE_TOKEN: "a-user-token" };
    const { code, stdout, stderr } = await runTrialScript(entry, cli);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain(
      "[dry run] not started by a master (no PUSHTUNE_TRIAL_ID): one operation of 100 batches",
    );
    expect(stdout).toContain("dry run true");
  },
  60_000,
);

test("with an environment passed in, a trial without a master is a TrialEnvironmentError", async () => {
  const env = trialVars("");
  await expect(init({ env, handleExitSignals: false })).rejects.toThrow(TrialEnvironmentError);
  await expect(init({ env, handleExitSignals: false })).rejects.toThrow(
    /PUSHTUNE_MASTER is not set/,
  );
  const relative = trialVars("/api/v1");
  await expect(trials({ env: relative, handleExitSignals: false }).next()).rejects.toThrow(
    /PUSHTUNE_MASTER must be the master's http:\/\/ or https:\/\/ URL, got "\/api\/v1"/,
  );
});
