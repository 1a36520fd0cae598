/**
 * The two SDKs agree where they meet outside the push API: the local default
 * config (dry runs, FakeMaster) and the checkpoint layout on disk, so a trial
 * may move from one SDK to the other and resume from its checkpoints.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { SharedFsStorage } from "../../src/sdk/checkpoint-storage.js";
import { localExperimentConfig } from "../../src/sdk/experiment-config.js";
import { PYTHON, PYTHON_DIR } from "./interpreter.js";

function python(code: string, env: Record<string, string> = {}): string {
  return execFileSync(PYTHON, ["-c", code], {
    env: { PATH: process.env.PATH ?? "", PYTHONPATH: PYTHON_DIR, ...env },
    encoding: "utf8",
  });
}

test("the Python SDK's local default config is the master parser's", () => {
  const fromPython: unknown = JSON.parse(
    python(
      "import json; from pushtune.experiment_config import LOCAL_DEFAULTS; print(json.dumps(LOCAL_DEFAULTS))",
    ),
  );
  expect(fromPython).toEqual(localExperimentConfig());
});

test("a checkpoint the Python SDK wrote is read by the TypeScript SDK", async () => {
  const dir = mkdtempSync(join(tmpdir(), "pushtune-sdks-"));
  const uuid = python(
    `
from pushtune.testing import FakeMaster
from pushtune.context import Context
from pushtune.environment import read_trial_environment
fm = FakeMaster(trial_id=4, checkpoint_dir=${JSON.stringify(dir)})
ctx = Context(read_trial_environment(fm.env()), fm, dry_run=False, handle_sigterm=False)
with ctx.checkpoint.store_path({"steps_completed": 12, "epoch": 3}) as path:
    (path / "weights.bin").write_bytes(b"abc")
ctx.close()
print(ctx.checkpoint.last_stored)
`,
  ).trim();
  const storage = new SharedFsStorage(dir, "allocation-1");
  const metadata = await storage.metadata(uuid);
  expect(metadata).toEqual({
    epoch: 3,
    uuid,
    trialId: 4,
    stepsCompleted: 12,
    framework: "pushtune",
  });
  expect(readFileSync(join(storage.path(uuid), "weights.bin"), "utf8")).toBe("abc");
});

test("a checkpoint the TypeScript SDK wrote is read by the Python SDK", async () => {
  const dir = mkdtempSync(join(tmpdir(), "pushtune-sdks-"));
  const saved = await new SharedFsStorage(dir, "allocation-1").save(
    { trialId: 4, stepsCompleted: 30, metadata: { note: "ts" } },
    (path) => writeFileSync(join(path, "w.txt"), "7"),
  );
  const read: unknown = JSON.parse(
    python(
      `
import json
from pushtune.testing import FakeMaster
from pushtune.context import Context
from pushtune.environment import read_trial_environment
fm = FakeMaster(trial_id=4, checkpoint_dir=${JSON.stringify(dir)}, latest_checkpoint=${JSON.stringify(saved.uuid)})
ctx = Context(read_trial_environment(fm.env()), fm, dry_run=False, handle_sigterm=False)
with ctx.checkpoint.restore_path() as path:
    weights = (path / "w.txt").read_text()
print(json.dumps({"weights": weights, "metadata": ctx.checkpoint.read_metadata()}))
ctx.close()
`,
    ),
  );
  expect(read).toEqual({
    weights: "7",
    metadata: {
      note: "ts",
      uuid: saved.uuid,
      trialId: 4,
      stepsCompleted: 30,
      steps_completed: 30,
      framework: "pushtune",
    },
  });
});
