/**
 * The local launcher starts a trial whose config is too long for a process's
 * environment (the long variables are left out and named), and names the
 * variable when what is left is still too long (a user's own, over 128 KiB).
 */
import { expect, test } from "vitest";
import { LocalLauncher } from "../../src/master/launcher/local-launcher.js";
import { within } from "./support/local-trial.js";

const spec = (env: Record<string, string>) => ({
  allocationId: "a1",
  trialId: 1,
  experimentId: 1,
  workdir: "/tmp",
  entrypoint: 'echo "$PUSHTUNE_FROM_MASTER"',
  env,
  slots: 1,
});

test("a long config is left out and named; a user's variable too long is named in the error", async () => {
  const launcher = new LocalLauncher({ slots: 1 });
  const lines: string[] = [];
  let exited: () => void = () => {};
  const exit = new Promise<void>((resolve) => {
    exited = resolve;
  });
  launcher.attach({ exited: () => exited(), log: (_id, _stream, line) => lines.push(line) });
  try {
    const config = JSON.stringify({ vals: Array.from({ length: 30_000 }, (_, i) => i) });
    await launcher.launch(spec({ PUSHTUNE_EXPERIMENT_CONFIG: config }));
    expect(await within(exit, 10_000)).not.toBe("timed out");
    expect(lines).toEqual(["PUSHTUNE_EXPERIMENT_CONFIG"]);
    await expect(
      launcher.launch({ ...spec({ MY_DATA: "x".repeat(200 * 1024) }), allocationId: "a2" }),
    ).rejects.toThrow(/E2BIG: .*MY_DATA holds 200 KiB/);
  } finally {
    await launcher.close();
  }
});
