/**
 * `pushtune demo` as the README runs it, here on the synthetic example (the
 * real one trains MNIST for about two minutes): an embedded master in its own
 * data dir, the live follow, the best trial and where its checkpoint is.
 */
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { ensureSdkBuilt } from "../e2e/support/build.js";
import { spawnCli } from "./support/run-cli.js";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

test("the demo tunes, follows, and names the best checkpoint's folder in its own data dir", async () => {
  await ensureSdkBuilt();
  const dataDir = await mkdtemp(join(tmpdir(), "pushtune-demo-"));
  dirs.push(dataDir);
  const demo = spawnCli([
    "demo",
    "--config",
    "examples/synthetic/const.yaml",
    "--data-dir",
    dataDir,
    "--slots",
    "1",
  ]);
  const r = await demo.result;
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^experiment 1 COMPLETED in \S+ · 1 trial$/m);
  const path = /^ {2}checkpoint {2}(\S+)$/m.exec(r.stdout)?.[1];
  expect(path).toBe(join(dataDir, "checkpoints", path?.split("/").at(-1) ?? ""));
  expect((await stat(path!)).isDirectory()).toBe(true);
  expect(r.stdout).toContain(`npx pushtune master --data-dir ${dataDir}`);
}, 60_000);
