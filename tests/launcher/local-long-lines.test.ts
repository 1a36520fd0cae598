/**
 * A trial's output line that never ends (hundreds of megabytes with no
 * newline) reaches its logs in pieces of at most 64 KiB as it is written,
 * so the master holds no more than a piece of it at a time.
 */
import { afterEach, expect, test } from "vitest";
import { MAX_LINE_BYTES } from "../../src/master/launcher/line-splitter.js";
import { endTrial, type LocalTrial, startTrial, within } from "./support/local-trial.js";

let trial: LocalTrial | null = null;

/** Whether the trial said, within 20 s, that its whole line is written. */
async function written(t: LocalTrial): Promise<boolean> {
  const until = Date.now() + 20_000;
  while (!t.stderr.includes("written")) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}
afterEach(async () => {
  await endTrial(trial);
  trial = null;
});

test("a line without its newline reaches the logs in pieces of at most 64 KiB while it is still written", async () => {
  const length = 300_000;
  // No newline until the trial is told to stop; "written" on stderr once the whole line
  // is in the pipe, since the stop signal goes to the whole group and would cut `tr` short.
  trial = await startTrial(
    `trap 'echo; echo after; exit 0' TERM; head -c ${length} /dev/zero | tr '\\0' x; echo written >&2; while :; do sleep 0.05; done`,
  );
  const t = trial;
  let received = 0;
  const pieces = t.line((line) => {
    received += line.length;
    return received >= 4 * MAX_LINE_BYTES;
  });
  expect(await within(pieces, 20_000)).not.toBe("timed out");
  expect(await written(t)).toBe(true);
  await t.launcher.terminate("a1", { pid: t.pid });
  expect(await t.exit).toMatchObject({ exitCode: 0 });
  for (const line of t.stdout) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(MAX_LINE_BYTES);
  expect(t.stdout.at(-1)).toBe("after");
  expect(t.stdout.slice(0, -1).join("")).toBe("x".repeat(length));
});
