/**
 * A checkpoint is a folder a trial wrote, maybe as another user or on
 * another machine than the master. A download follows a symbolic link in
 * it only as far as the checkpoint's own folder: a link to the master's
 * token (or a linked folder on the way to it) is refused with 403, not
 * served; a link from one of the checkpoint's files to another is served.
 */
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { running, trial } from "./support/trial.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

const UUID = "dddddddd-0000-4000-8000-000000000001";

test("a link out of the checkpoint's folder is not followed; a link inside it is", async () => {
  tm = await startTestMaster({ slots: 1 });
  const eve = tm.as(
    (
      await tm.admin.post<{ token: string }>("/users", {
        username: "eve",
        password: "correct-horse",
      })
    ).body.token,
  );
  expect((await eve.post("/experiments", { config: ashaConfig(), workdir: "/tmp" })).status).toBe(
    201,
  );
  await tm.settle();
  const t = trial(tm, running(tm)[0]!.trialId);
  const dir = join(t.spec.env.PUSHTUNE_CHECKPOINT_DIR!, UUID);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "weights.bin"), "weights");
  await symlink(join(dir, "weights.bin"), join(dir, "same.bin"));
  await symlink(join(tm.dataDir, "admin.token"), join(dir, "token.bin"));
  await symlink(tm.dataDir, join(dir, "data"));
  const resources = { "weights.bin": 7, "same.bin": 7, "token.bin": 1, "data/admin.token": 1 };
  const registered = await t.api.post("/checkpoints", {
    uuid: UUID,
    trialId: t.id,
    stepsCompleted: 1,
    resources,
    metadata: {},
  });
  expect(registered.status).toBe(200);

  for (const file of ["token.bin", "data/admin.token"]) {
    const got = await eve.get<{ error: { code: string; message: string } }>(
      `/checkpoints/${UUID}/files/${file}`,
    );
    expect(got.status).toBe(403);
    expect(got.body.error.code).toBe("FORBIDDEN");
    expect(got.body.error.message).toContain(`"${file}"`);
    expect(JSON.stringify(got.body)).not.toContain(tm.adminToken);
  }
  for (const file of ["weights.bin", "same.bin"]) {
    const got = await tm.app.inject({
      method: "GET",
      url: `/api/v1/checkpoints/${UUID}/files/${file}`,
      headers: { authorization: `Bearer ${tm.adminToken}` },
    });
    expect(got.statusCode).toBe(200);
    expect(got.body).toBe("weights");
  }
});
