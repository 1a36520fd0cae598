/**
 * A checkpoint's `resources` name its files by their paths relative to its
 * folder, in the one spelling a download asks for them by: parts joined by
 * "/", none of them empty, "." or "..", a trailing "/" only to name a folder.
 * Another spelling of a path ("./w.bin", "a//w.bin", "/w.bin", "a/../w.bin")
 * is refused when the checkpoint is registered, naming it: it was stored, and
 * then no download could ever fetch that file (404 "has no file"), so the
 * checkpoint could not be downloaded at all.
 */
import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { running, type TrialHandle, trial } from "./support/trial.js";

let tm: TestMaster;
let t: TrialHandle;
beforeAll(async () => {
  tm = await startTestMaster({ slots: 1 });
  await tm.admin.post("/experiments", { config: ashaConfig(), workdir: "/tmp" });
  await tm.settle();
  t = trial(tm, running(tm)[0]!.trialId);
});
afterAll(async () => tm.close());

type Err = { error: { code: string; message: string } };

/** A checkpoint folder with `a/w.bin` in it, registered with `resources`. */
async function register(resources: Record<string, number>) {
  const uuid = randomUUID();
  const dir = join(t.spec.env.PUSHTUNE_CHECKPOINT_DIR!, uuid);
  await mkdir(join(dir, "a"), { recursive: true });
  await writeFile(join(dir, "a", "w.bin"), "abc");
  await writeFile(join(dir, "w.bin"), "abc");
  const res = await t.api.post<Err>("/checkpoints", {
    uuid,
    trialId: t.id,
    stepsCompleted: 1,
    resources,
    metadata: {},
  });
  return { uuid, res };
}

test.each(["./w.bin", "a//w.bin", "/w.bin", "a/../w.bin", "a/./w.bin", "..", "a/..", "//"])(
  "resource %j is refused with a 400 naming it, and no checkpoint is stored",
  async (path) => {
    const { uuid, res } = await register({ "w.bin": 3, [path]: 3 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("BAD_REQUEST");
    expect(res.body.error.message).toBe(
      `body/resources: ${JSON.stringify(path)} is not a file's path relative to the checkpoint's folder: its parts are joined by "/", and none is empty, "." or ".."`,
    );
    expect(await tm.store.getCheckpoint(uuid)).toBeNull();
  },
);

test("paths in their one spelling are stored, and each file downloads by it", async () => {
  const { uuid, res } = await register({ "w.bin": 3, "a/w.bin": 3, "a/": 0 });
  expect(res.status).toBe(200);
  for (const file of ["w.bin", "a/w.bin"]) {
    const got = await tm.app.inject({
      method: "GET",
      url: `/api/v1/checkpoints/${uuid}/files/${file}`,
      headers: { authorization: `Bearer ${tm.adminToken}` },
    });
    expect(got.statusCode, file).toBe(200);
    expect(got.body).toBe("abc");
  }
});
