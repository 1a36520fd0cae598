/**
 * A stop asked for an allocation the local launcher no longer runs signals
 * nothing, though its handle's pid now belongs to another process.
 */
import { spawn } from "node:child_process";
import { afterEach, expect, test } from "vitest";
import { LocalLauncher } from "../../src/master/launcher/local-launcher.js";
import { cleanUp, isAlive, within } from "./support/local-trial.js";

const leftOver: number[] = [];
afterEach(() => {
  for (const pid of leftOver.splice(0)) cleanUp(-pid);
});

test("kill and terminate with a handle whose pid was taken again leave that process alone", async () => {
  const launcher = new LocalLauncher({ slots: 1 });
  launcher.attach({ exited: () => {}, log: () => {} });
  // A process group leader that is not the allocation's: its pid is reused.
  const other = spawn("sleep", ["30"], { detached: true, stdio: "ignore" });
  const pid = await new Promise<number>((resolve) =>
    other.once("spawn", () => resolve(other.pid!)),
  );
  leftOver.push(pid);
  await launcher.terminate("a1", { pid, startedAt: 1 });
  await launcher.kill("a1", { pid, startedAt: 1 });
  const ended = new Promise((resolve) => other.once("exit", (_code, signal) => resolve(signal)));
  expect(await within(ended, 2_000)).toBe("timed out");
  expect(isAlive(pid)).toBe(true);
  await launcher.close();
});
