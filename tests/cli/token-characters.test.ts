import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MasterClient } from "../../src/cli/client.js";
import { saveLogin } from "../../src/cli/connection.js";
import { CliError } from "../../src/cli/errors.js";
import { runInProcess } from "./support/fake-io.js";

// Nothing listens there: a token that gets as far as a request would say "cannot reach".
const master = "http://127.0.0.1:1";
const SECRET = "s3cret-part";

describe("a token with characters no token has is refused before any request", () => {
  it.each([
    ["a second line", `${SECRET}\nsecond-line`],
    ["a carriage return", `${SECRET}\r`],
    ["a character past Latin-1", `${SECRET}€`],
    ["a space", `${SECRET} more`],
  ])("from --token (%s): a usage error naming --token, the token never shown", async (_, token) => {
    const r = await runInProcess(["experiment", "list", "--token", token], {
      env: { PUSHTUNE_MASTER: master },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("pushtune: --token: contains characters not allowed in a token\n");
    expect(r.stdout).toBe("");
  });

  it("from PUSHTUNE_TOKEN", async () => {
    const r = await runInProcess(["experiment", "list"], {
      env: { PUSHTUNE_MASTER: master, PUSHTUNE_TOKEN: `${SECRET}\nx` },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("pushtune: PUSHTUNE_TOKEN: contains characters not allowed in a token\n");
  });

  it("from a local master's admin token file of two lines, naming the file", async () => {
    const home = await mkdtemp(join(tmpdir(), "pushtune-token-chars-"));
    await writeFile(join(home, "admin.token"), `${SECRET}\nsomething else\n`);
    const r = await runInProcess(["experiment", "list"], {
      env: { PUSHTUNE_MASTER: master, PUSHTUNE_DATA_DIR: home },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `pushtune: ${join(home, "admin.token")}: contains characters not allowed in a token\n`,
    );
  });

  it("from a saved login, naming it", async () => {
    const home = await mkdtemp(join(tmpdir(), "pushtune-token-chars-"));
    await saveLogin({ PUSHTUNE_DATA_DIR: home }, master, {
      username: "alice",
      token: `${SECRET}\u0000`,
    });
    const r = await runInProcess(["user", "logout"], {
      env: { PUSHTUNE_MASTER: master, PUSHTUNE_DATA_DIR: home },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("the login of alice in");
    expect(r.stderr).toContain("contains characters not allowed in a token");
    expect(r.stderr).not.toContain(SECRET);
  });

  it("pushtune token does not print it either", async () => {
    const r = await runInProcess(["token", "--token", `${SECRET}\nx`], {
      env: { PUSHTUNE_MASTER: master },
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).not.toContain(SECRET);
  });

  it("the API client refuses one too, without showing it", () => {
    let err: unknown = null;
    try {
      new MasterClient(master, `${SECRET}\nx`);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(2);
    expect((err as CliError).message).not.toContain(SECRET);
  });
});
