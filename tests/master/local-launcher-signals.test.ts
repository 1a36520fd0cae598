/** The local launcher's terminate sends SIGTERM to the allocation's process group; kill sends SIGKILL. */
import { tmpdir } from "node:os";
import { expect, test } from "vitest";
import type { ExitInfo } from "../../src/master/launcher/launcher.js";
import { LocalLauncher } from "../../src/master/launcher/local-launcher.js";

/** A process that says when it is ready, and exits 0 on SIGTERM after saying so. */
const ENTRYPOINT = `trap 'echo got TERM; exit 0' TERM; echo ready; while :; do sleep 0.05; done`;

function launcherWithEvents() {
  const launcher = new LocalLauncher({ slots: 1 });
  const lines: string[] = [];
  let ready: () => void = () => {};
  const readySeen = new Promise<void>((resolve) => {
    ready = resolve;
  });
  let exited: (info: ExitInfo) => void = () => {};
  const exit = new Promise<ExitInfo>((resolve) => {
    exited = resolve;
  });
  launcher.attach({
    exited: (_id, info) => exited(info),
    log: (_id, _stream, line) => {
      lines.push(line);
      if (line === "ready") ready();
    },
  });
  return { launcher, lines, readySeen, exit };
}

const spec = (allocationId: string) => ({
  allocationId,
  trialId: 1,
  experimentId: 1,
  workdir: tmpdir(),
  entrypoint: ENTRYPOINT,
  env: {},
  slots: 1,
});

test("terminate lets the process handle SIGTERM and exit on its own", async () => {
  const { launcher, lines, readySeen, exit } = launcherWithEvents();
  const handle = await launcher.launch(spec("a"));
  await readySeen;
  await launcher.terminate("a", handle);
  expect(await exit).toMatchObject({ exitCode: 0, signal: null });
  expect(lines).toContain("got TERM");
  await launcher.close();
});

test("kill ends the process with SIGKILL, whatever it traps", async () => {
  const { launcher, lines, readySeen, exit } = launcherWithEvents();
  const handle = await launcher.launch(spec("b"));
  await readySeen;
  await launcher.kill("b", handle);
  expect((await exit).exitCode === 0).toBe(false);
  expect(lines).not.toContain("got TERM");
  await launcher.close();
});
