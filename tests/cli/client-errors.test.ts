import { describe, expect, it } from "vitest";
import { ApiFailure, MasterClient } from "../../src/cli/client.js";
import { CliError } from "../../src/cli/errors.js";

function answering(status: number, body: unknown): typeof fetch {
  return (async () =>
    new Response(typeof body === "string" ? body : JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json" },
    })) as typeof fetch;
}

const url = "http://master.example:8080";

async function failure(promise: Promise<unknown>): Promise<CliError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof CliError) return err;
    throw err;
  }
  throw new Error("expected a failure");
}

describe("the API client's errors", () => {
  it("a refused config is a usage error listing every field error, one per line", async () => {
    const client = new MasterClient(
      url,
      "t",
      answering(400, {
        error: {
          code: "INVALID_CONFIG",
          message: "invalid experiment config: 2 error(s)",
          details: {
            errors: [
              { path: "searcher.max_trials", message: 'must be an integer >= 1, got "ten"' },
              { path: "entrypoint", message: "is required" },
            ],
          },
        },
      }),
    );
    const err = await failure(client.createExperiment({ configYaml: "x", workdir: "/w" }));
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe(
      'the master refused the experiment config:\n  searcher.max_trials: must be an integer >= 1, got "ten"\n  entrypoint: is required',
    );
  });

  it("an unknown id carries the master's message and code", async () => {
    const client = new MasterClient(
      url,
      "t",
      answering(404, { error: { code: "EXPERIMENT_NOT_FOUND", message: "no experiment 42" } }),
    );
    const err = await failure(client.experiment(42));
    expect(err).toBeInstanceOf(ApiFailure);
    expect(err.message).toBe("no experiment 42");
    expect((err as ApiFailure).code).toBe("EXPERIMENT_NOT_FOUND");
    expect(err.exitCode).toBe(1);
  });

  it("something that is not a pushtune master is named with its status", async () => {
    const client = new MasterClient(url, "t", answering(404, "<html>not here</html>"));
    const err = await failure(client.listExperiments());
    expect(err.message).toContain(`the master at ${url} answered 404`);
    expect(err.message).toContain("is this a pushtune master?");
  });

  it("a network failure names the URL and how to start a master", async () => {
    const refused = (async () => {
      throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ENOTFOUND" } });
    }) as typeof fetch;
    const err = await failure(new MasterClient(url, "t", refused).me());
    expect(err.message).toBe(
      `cannot reach the master at ${url} (unknown host).\n` +
        "Start one with `pushtune master`, or point at another with --master URL or PUSHTUNE_MASTER.",
    );
  });

  it("a master that stopped answering is named as such, not as one to start", async () => {
    const silent = (async () => {
      throw Object.assign(new Error("no answer for 300 s"), { code: "ENOANSWER" });
    }) as typeof fetch;
    const err = await failure(new MasterClient(url, "t", silent).me());
    expect(err.message).toBe(`the master at ${url} stopped answering (no answer for 300 s).`);
  });

  it("a redirect is not followed: the message says where it points", async () => {
    const moved = (async () =>
      new Response("", {
        status: 301,
        headers: { location: "https://master.example:8443/api/v1/me" },
      })) as typeof fetch;
    const err = await failure(new MasterClient(url, "t", moved).me());
    expect(err.message).toContain(`the master at ${url} answered 301`);
    expect(err.message).toContain("it points to https://master.example:8443/api/v1/me");
  });

  it("sends the token as a bearer header", async () => {
    let seen: string | null = null;
    const capture = (async (_url: string, init: RequestInit) => {
      seen = new Headers(init.headers).get("authorization");
      return new Response(JSON.stringify({ id: 1, username: "admin", admin: true }));
    }) as typeof fetch;
    await new MasterClient(url, "secret", capture).me();
    expect(seen).toBe("Bearer secret");
  });
});

describe("a caller with too many requests open", () => {
  const busy = {
    error: {
      code: "TOO_MANY_REQUESTS",
      message: "too many open requests from one caller (at most 128 at once); wait for some to end",
      details: { limit: 128, retryAfterSeconds: 1 },
    },
  };
  /** Answers 429 `times` times (Retry-After: 1), then `then`; counts the calls. */
  function busyThen(times: number, then: unknown) {
    const calls: string[] = [];
    const impl = (async (input: string | URL, init?: RequestInit) => {
      calls.push(`${init?.method} ${String(input)}`);
      const refused = calls.length <= times;
      return new Response(JSON.stringify(refused ? busy : then), {
        status: refused ? 429 : 200,
        headers: { "content-type": "application/json", ...(refused ? { "retry-after": "1" } : {}) },
      });
    }) as typeof fetch;
    return { calls, impl };
  }

  it("a read is asked again once the master's Retry-After has passed", async () => {
    const { calls, impl } = busyThen(2, { id: 7, username: "ann", admin: false });
    const client = new MasterClient(url, "t", impl);
    expect(await client.me()).toEqual({ id: 7, username: "ann", admin: false });
    expect(calls).toEqual(Array(3).fill(`GET ${url}/api/v1/me`));
  });

  it("a write, and a throttled login, are refused at once", async () => {
    const { calls, impl } = busyThen(1, {});
    const err = await failure(new MasterClient(url, "t", impl).deleteExperiment(3));
    expect((err as ApiFailure).code).toBe("TOO_MANY_REQUESTS");
    expect(calls).toHaveLength(1);
    const throttled = answering(429, {
      error: {
        code: "TOO_MANY_REQUESTS",
        message: "too many failed logins; try again in 300 s",
        details: { retryAfterSeconds: 300 },
      },
    });
    const login = await failure(new MasterClient(url, null, throttled).request("GET", "/me"));
    expect(login.message).toBe("too many failed logins; try again in 300 s");
  });
});
