import { mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExperimentList, TokenResponse } from "../../src/protocol/api/resources.js";
import { type CliMaster, startCliMaster } from "./support/cli-master.js";
import { parseJson, runCli } from "./support/run-cli.js";

let m: CliMaster;
beforeAll(async () => {
  m = await startCliMaster();
});
afterAll(async () => m.close());

/** A fresh CLI home: no saved logins, no admin token. */
async function freshHome(): Promise<string> {
  return mkdtemp(join(tmpdir(), "pushtune-home-"));
}

describe("users and tokens", () => {
  it("user create prints the new user's token; --json gives the API's answer", async () => {
    const r = await runCli(["user", "create", "carol", "--json"], { env: m.env });
    expect(r.code).toBe(0);
    const answer = parseJson<TokenResponse>(r);
    expect(answer.user).toMatchObject({ username: "carol", admin: false });
    expect(answer.token.length).toBeGreaterThan(10);
    const human = await runCli(["user", "create", "dave", "--admin"], { env: m.env });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^created user dave \(admin\)\ntoken: \S+\n$/);
  });

  it("user login reads the password from stdin, prints the token and saves it for that master", async () => {
    const created = await runCli(["user", "create", "alice", "--password", "correct-horse"], {
      env: m.env,
    });
    expect(created.code).toBe(0);
    const home = await freshHome();
    const env = { PUSHTUNE_MASTER: m.url, PUSHTUNE_DATA_DIR: home };
    const login = await runCli(["user", "login", "alice"], { env, input: "correct-horse\n" });
    expect(login.code).toBe(0);
    const token = login.stdout.trim();
    expect(token).toMatch(/^\S{16,}$/);
    expect(login.stderr).toContain(`logged in as alice at ${m.url}`);
    const file = join(home, "logins.json");
    expect(((await stat(file)).mode & 0o777).toString(8)).toBe("600");
    expect(JSON.parse(await readFile(file, "utf8")).logins[m.url]).toEqual({
      username: "alice",
      token,
    });
    // Later commands against that master use the saved token.
    const printed = await runCli(["token"], { env });
    expect(printed.stdout).toBe(`${token}\n`);
    const list = await runCli(["experiment", "list", "--json"], { env });
    expect(list.code).toBe(0);
    expect(parseJson<ExperimentList>(list).experiments).toEqual([]);
  });

  it("a login that cannot be saved says where, in one line, and returns", async () => {
    const created = await runCli(["user", "create", "blake", "--password", "correct-horse"], {
      env: m.env,
    });
    expect(created.code).toBe(0);
    // A folder that cannot be made: on Node 20, mkdir(…, {recursive: true}) never returned there.
    const env = { PUSHTUNE_MASTER: m.url, PUSHTUNE_DATA_DIR: "/proc/self/pushtune" };
    const login = await runCli(["user", "login", "blake"], { env, input: "correct-horse\n" });
    expect(login.code).toBe(1);
    expect(login.stderr).toMatch(
      /^pushtune: cannot save the login in \/proc\/self\/pushtune: .+\n$/,
    );
  });

  it("a wrong password fails with the master's reason", async () => {
    const env = { PUSHTUNE_MASTER: m.url, PUSHTUNE_DATA_DIR: await freshHome() };
    const r = await runCli(["user", "login", "admin", "--password", "not-it"], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("pushtune: wrong user name or password\n");
  });

  it("a password shorter than 8 characters is a usage error", async () => {
    const r = await runCli(["user", "create", "erin", "--password", "short"], { env: m.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("at least 8 characters");
  });

  it("only an admin creates users", async () => {
    const bob = parseJson<TokenResponse>(
      await runCli(["user", "create", "bob", "--json"], { env: m.env }),
    );
    const r = await runCli(["user", "create", "mallory"], {
      env: { ...m.env, PUSHTUNE_TOKEN: bob.token },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("pushtune: only an admin creates users\n");
  });

  it("token prints --token, else PUSHTUNE_TOKEN, else a local master's admin token", async () => {
    const flag = await runCli(["token", "--token", "from-flag"], { env: m.env });
    expect(flag.stdout).toBe("from-flag\n");
    const env = await runCli(["token"], { env: m.env });
    expect(env.stdout).toBe(`${m.tm.adminToken}\n`);
    const local = await runCli(["token"], {
      env: { PUSHTUNE_MASTER: m.url, PUSHTUNE_DATA_DIR: m.tm.dataDir },
    });
    expect(local.stdout).toBe(`${m.tm.adminToken}\n`);
    const list = await runCli(["experiment", "list"], {
      env: { PUSHTUNE_MASTER: m.url, PUSHTUNE_DATA_DIR: m.tm.dataDir },
    });
    expect(list.code).toBe(0);
  });

  it("with no token at all, says how to get one", async () => {
    const env = { PUSHTUNE_MASTER: m.url, PUSHTUNE_DATA_DIR: await freshHome() };
    const token = await runCli(["token"], { env });
    expect(token.code).toBe(1);
    expect(token.stderr).toContain(`no token for the master at ${m.url}`);
    expect(token.stderr).toContain("pushtune user login NAME");
    const list = await runCli(["experiment", "list"], { env });
    expect(list.code).toBe(1);
    expect(list.stderr).toContain(`the master at ${m.url} needs a token`);
  });

  it("with no token for a master on this machine, says where its admin token was looked for", async () => {
    const home = await freshHome();
    const env = { PUSHTUNE_MASTER: m.url, PUSHTUNE_DATA_DIR: home };
    const said = `no admin token at ${join(home, "admin.token")} (for a master started with --data-dir DIR, set PUSHTUNE_DATA_DIR=DIR)`;
    const list = await runCli(["experiment", "list"], { env });
    expect(list.code).toBe(1);
    expect(list.stderr).toContain(said);
    const token = await runCli(["token"], { env });
    expect(token.stderr).toContain(said);
  });

  it("a token the master does not know is refused with a hint", async () => {
    const r = await runCli(["experiment", "list"], {
      env: { ...m.env, PUSHTUNE_TOKEN: "not-a-real-token" },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the master at ${m.url} refused the token (invalid token)`);
    expect(r.stderr).toContain("pushtune user login NAME");
  });

  it("user logout revokes the saved login's token and forgets it", async () => {
    await runCli(["user", "create", "gina", "--password", "correct-horse"], { env: m.env });
    const env = { PUSHTUNE_MASTER: m.url, PUSHTUNE_DATA_DIR: await freshHome() };
    const login = await runCli(["user", "login", "gina"], { env, input: "correct-horse\n" });
    const token = login.stdout.trim();
    const out = await runCli(["user", "logout"], { env });
    expect(out.code).toBe(0);
    expect(out.stderr).toContain("token revoked");
    expect((await runCli(["token"], { env })).code).toBe(1);
    const reused = await runCli(["experiment", "list"], { env: { ...env, PUSHTUNE_TOKEN: token } });
    expect(reused.code).toBe(1);
    expect(reused.stderr).toContain("revoked");
    expect(reused.stderr).toContain("pushtune user login NAME");
  });

  it("user revoke revokes every token of a user (admins only)", async () => {
    const created = parseJson<TokenResponse>(
      await runCli(["user", "create", "hank", "--json"], { env: m.env }),
    );
    const denied = await runCli(["user", "revoke", "admin"], {
      env: { ...m.env, PUSHTUNE_TOKEN: created.token },
    });
    expect(denied.code).toBe(1);
    const r = await runCli(["user", "revoke", "hank"], { env: m.env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("revoked 1 token of hank\n");
    const after = await runCli(["experiment", "list"], {
      env: { ...m.env, PUSHTUNE_TOKEN: created.token },
    });
    expect(after.code).toBe(1);
  });

  it("user deactivate takes a user's access away and user activate gives it back (admins only)", async () => {
    await runCli(["user", "create", "ivy", "--password", "correct-horse"], { env: m.env });
    const env = { PUSHTUNE_MASTER: m.url, PUSHTUNE_DATA_DIR: await freshHome() };
    const login = await runCli(["user", "login", "ivy"], { env, input: "correct-horse\n" });
    expect(login.code).toBe(0);
    const denied = await runCli(["user", "deactivate", "admin"], { env });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toBe("pushtune: only an admin deactivates users\n");
    const off = await runCli(["user", "deactivate", "ivy"], { env: m.env });
    expect(off.code).toBe(0);
    expect(off.stdout).toBe("deactivated ivy; their experiments go on\n");
    expect((await runCli(["user", "deactivate", "ivy"], { env: m.env })).stdout).toBe(
      "already deactivated ivy; their experiments go on\n",
    );
    const refused = await runCli(["experiment", "list"], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("user ivy is deactivated");
    expect(refused.stderr).toContain("pushtune user activate ivy");
    const again = await runCli(["user", "login", "ivy"], { env, input: "correct-horse\n" });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("user ivy is deactivated");
    const on = await runCli(["user", "activate", "ivy", "--json"], { env: m.env });
    expect(on.code).toBe(0);
    expect(parseJson(on)).toMatchObject({ user: { username: "ivy", active: true }, changed: true });
    const back = await runCli(["user", "login", "ivy"], { env, input: "correct-horse\n" });
    expect(back.code).toBe(0);
    expect((await runCli(["experiment", "list"], { env })).code).toBe(0);
    const unknown = await runCli(["user", "activate", "nobody"], { env: m.env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('pushtune: no user "nobody"\n');
  });

  it("user list shows every user, an admin and a deactivated one among them", async () => {
    await runCli(["user", "create", "jude"], { env: m.env });
    await runCli(["user", "deactivate", "jude"], { env: m.env });
    const table = await runCli(["user", "list"], { env: m.env });
    expect(table.code).toBe(0);
    const rows = table.stdout
      .trimEnd()
      .split("\n")
      .map((l) => l.split(/\s{2,}/));
    expect(rows[0]).toEqual(["NAME", "ADMIN", "ACTIVE", "ID"]);
    expect(rows.find((r) => r[0] === "admin")?.slice(1, 3)).toEqual(["yes", "yes"]);
    expect(rows.find((r) => r[0] === "jude")?.slice(1, 3)).toEqual(["no", "no (deactivated)"]);
    const json = parseJson<{ users: { username: string; active: boolean }[] }>(
      await runCli(["user", "list", "--json"], { env: m.env }),
    );
    expect(json.users.find((u) => u.username === "jude")).toMatchObject({ active: false });
  });

  it("user logout will not revoke a local master's first admin token", async () => {
    const env = { PUSHTUNE_MASTER: m.url, PUSHTUNE_DATA_DIR: m.tm.dataDir };
    const r = await runCli(["user", "logout"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is the master's first admin token");
    expect((await runCli(["experiment", "list"], { env })).code).toBe(0);
  });
});
