/**
 * A checkpoint is a folder a trial wrote. A file of it that is not a regular
 * file, such as a named pipe, is answered at once as missing: opening a pipe
 * for reading waits for a writer, and no download may wait for a trial to
 * write (nor hold one of the master's file-system threads meanwhile).
 */
import { execFileSync } from "node:child_process";
import { constants } from "node:fs";
import { mkdir, open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { running, trial } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

const UUID = "dddddddd-0000-4000-8000-000000000002";

test("a named pipe in a checkpoint is answered 404 at once, not when something writes to it", async () => {
  tm = await startTestMaster({ slots: 1 });
  expect(
    (await tm.admin.post("/experiments", { config: ashaConfig(), workdir: "/tmp" })).status,
  ).toBe(201);
  await tm.settle();
  const t = trial(tm, running(tm)[0]!.trialId);
  const dir = join(t.spec.env.PUSHTUNE_CHECKPOINT_DIR!, UUID);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "weights.bin"), "weights");
  const pipe = join(dir, "pipe.bin");
  execFileSync("mkfifo", [pipe]);
  const registered = await t.api.post("/checkpoints", {
    uuid: UUID,
    trialId: t.id,
    stepsCompleted: 1,
    resources: { "weights.bin": 7, "pipe.bin": 0 },
    metadata: {},
  });
  expect(registered.status).toBe(200);

  const answer = tm.admin.get<{ error: { code: string; message: string } }>(
    `/checkpoints/${UUID}/files/pipe.bin`,
  );
  const waited = await Promise.race([
    answer.then(() => false),
    new Promise<boolean>((r) => setTimeout(() => r(true), 3000)),
  ]);
  // A download still waiting is let go by a writer that opens and closes the pipe.
  if (waited) await (await open(pipe, constants.O_WRONLY | constants.O_NONBLOCK)).close();
  const got = await answer;
  expect(waited).toBe(false);
  expect(got.status).toBe(404);
  expect(got.body.error.message).toBe(
    `file "pipe.bin" of checkpoint ${UUID} is missing from storage`,
  );

  const file = await tm.app.inject({
    method: "GET",
    url: `/api/v1/checkpoints/${UUID}/files/weights.bin`,
    headers: { authorization: `Bearer ${tm.adminToken}` },
  });
  expect(file.statusCode).toBe(200);
  expect(file.body).toBe("weights");
});
