/**
 * The saved logins (`<data dir>/logins.json`) hold a token per master. A file
 * the CLI cannot read as one (a hand edit that broke its JSON, a folder in its
 * place) is named with what is wrong, and left as it is: a login or logout
 * never writes over it (it kept only the new login, and every other master's
 * was lost), and no command quietly goes on without the logins it holds.
 */
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliMaster, startCliMaster } from "./support/cli-master.js";
import { runInProcess } from "./support/fake-io.js";

let m: CliMaster;
beforeAll(async () => {
  m = await startCliMaster();
  await m.tm.admin.post("/users", { username: "alice", password: "correct-horse" });
});
afterAll(async () => m.close());

/** A CLI home whose logins.json is `text`: the file's path and the environment using it. */
async function homeWith(text: string) {
  const home = await mkdtemp(join(tmpdir(), "pushtune-home-"));
  const file = join(home, "logins.json");
  await writeFile(file, text, { mode: 0o600 });
  return { file, env: { PUSHTUNE_MASTER: m.url, PUSHTUNE_DATA_DIR: home } };
}

// Another master's login, and a trailing comma from a hand edit.
const broken = `{
  "version": 1,
  "logins": {
    "http://gpu-box:8080": { "username": "alice", "token": "other-masters-token" },
  }
}
`;

describe("a logins file that is not one", () => {
  it("is named by a login, which leaves it as it was", async () => {
    const { file, env } = await homeWith(broken);
    const r = await runInProcess(["user", "login", "alice", "--password", "correct-horse"], {
      env,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^pushtune: cannot read the saved logins in ${file}: .*JSON.*; fix or remove it\\n$`,
      ),
    );
    expect(await readFile(file, "utf8")).toBe(broken);
  });

  it("is named by a logout, which leaves it as it was", async () => {
    const { file, env } = await homeWith(broken);
    const r = await runInProcess(["user", "logout"], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot read the saved logins in ${file}`);
    expect(await readFile(file, "utf8")).toBe(broken);
  });

  it("is named by a command that would look for its token there", async () => {
    const { file, env } = await homeWith(broken);
    const r = await runInProcess(["token"], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot read the saved logins in ${file}`);
    // A token given outright needs no saved login.
    const given = await runInProcess(["token"], { env: { ...env, PUSHTUNE_TOKEN: "given" } });
    expect(given.stdout).toBe("given\n");
  });

  it.each([
    ["a list", "[]\n", "must be an object with a `logins` object"],
    ["logins that are not an object", '{"version": 1, "logins": 3}\n', "`logins`"],
    [
      "a login without its token",
      '{"version": 1, "logins": {"http://gpu-box:8080": {"username": "alice"}}}\n',
      '"http://gpu-box:8080"',
    ],
  ])("%s is named too", async (_what, text, reason) => {
    const { file, env } = await homeWith(text);
    const r = await runInProcess(["user", "login", "alice", "--password", "correct-horse"], {
      env,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot read the saved logins in ${file}: `);
    expect(r.stderr).toContain(reason);
    expect(await readFile(file, "utf8")).toBe(text);
  });

  it("a folder in its place is named with why it cannot be read", async () => {
    const home = await mkdtemp(join(tmpdir(), "pushtune-home-"));
    const file = join(home, "logins.json");
    await mkdir(file);
    const env = { PUSHTUNE_MASTER: m.url, PUSHTUNE_DATA_DIR: home };
    const r = await runInProcess(["user", "login", "alice", "--password", "correct-horse"], {
      env,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot read the saved logins in ${file}: EISDIR`);
  });
});

it("a login adds to the logins of other masters, which stay as they were", async () => {
  const { file, env } = await homeWith(
    '{"version": 1, "logins": {"http://gpu-box:8080": {"username": "alice", "token": "t1"}}}\n',
  );
  const r = await runInProcess(["user", "login", "alice", "--password", "correct-horse"], {
    env,
  });
  expect(r.code).toBe(0);
  const saved = JSON.parse(await readFile(file, "utf8"));
  expect(saved.logins["http://gpu-box:8080"]).toEqual({ username: "alice", token: "t1" });
  expect(saved.logins[m.url]).toEqual({ username: "alice", token: r.stdout.trim() });
});
