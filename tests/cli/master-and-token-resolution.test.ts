import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isLocalMaster, masterUrl, resolveToken, saveLogin } from "../../src/cli/connection.js";
import { CliError } from "../../src/cli/errors.js";

describe("which master and which token", () => {
  it("the master comes from --master, then PUSHTUNE_MASTER, then the default", () => {
    expect(masterUrl({ master: "http://a:1" }, { PUSHTUNE_MASTER: "http://b:2" })).toBe(
      "http://a:1",
    );
    expect(masterUrl({}, { PUSHTUNE_MASTER: "http://b:2/" })).toBe("http://b:2");
    expect(masterUrl({}, {})).toBe("http://127.0.0.1:8080");
    expect(masterUrl({ master: "localhost:9000" }, {})).toBe("http://localhost:9000");
    expect(masterUrl({ master: "https://tune.example.com/pushtune/" }, {})).toBe(
      "https://tune.example.com/pushtune",
    );
  });

  it("the REST API's URL stands for its master's, which the client adds /api/v1 to", () => {
    expect(masterUrl({ master: "http://a:1/api/v1" }, {})).toBe("http://a:1");
    expect(masterUrl({}, { PUSHTUNE_MASTER: "https://b/pushtune/api/v1/" })).toBe(
      "https://b/pushtune",
    );
  });

  it("a master URL that is not http(s) is a usage error", () => {
    expect(() => masterUrl({ master: "ftp://x" }, {})).toThrow(CliError);
    try {
      masterUrl({ master: "http://" }, {});
    } catch (err) {
      expect((err as CliError).exitCode).toBe(2);
    }
  });

  it("loopback masters are local; others are not", () => {
    expect(isLocalMaster("http://127.0.0.1:8080")).toBe(true);
    expect(isLocalMaster("http://localhost:8080")).toBe(true);
    expect(isLocalMaster("http://[::1]:8080")).toBe(true);
    expect(isLocalMaster("http://tune.example.com")).toBe(false);
  });

  it("the token: --token, then PUSHTUNE_TOKEN, then the saved login, then the local admin token", async () => {
    const home = await mkdtemp(join(tmpdir(), "pushtune-tokens-"));
    const local = "http://127.0.0.1:8080";
    const env = { PUSHTUNE_DATA_DIR: home };
    expect(await resolveToken(local, {}, env)).toBeNull();

    await writeFile(join(home, "admin.token"), "admin-secret\n");
    expect(await resolveToken(local, {}, env)).toEqual({
      token: "admin-secret",
      source: join(home, "admin.token"),
    });
    // A remote master never gets the local admin token.
    expect(await resolveToken("http://tune.example.com", {}, env)).toBeNull();

    await saveLogin(env, local, { username: "alice", token: "alice-secret" });
    expect((await resolveToken(local, {}, env))?.token).toBe("alice-secret");
    expect(await resolveToken("http://127.0.0.1:9999", {}, env)).toMatchObject({
      token: "admin-secret",
    });

    const withEnv = { ...env, PUSHTUNE_TOKEN: "env-secret" };
    expect(await resolveToken(local, {}, withEnv)).toEqual({
      token: "env-secret",
      source: "PUSHTUNE_TOKEN",
    });
    expect(await resolveToken(local, { token: "flag-secret" }, withEnv)).toEqual({
      token: "flag-secret",
      source: "--token",
    });
  });
});
