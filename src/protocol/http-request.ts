/**
 * The HTTP call of the SDK's transport and of the CLI's client, on
 * `node:http`. Node 20's global `fetch` loads and compiles undici at its first
 * request, about 50 ms of CPU, and keeps the process up some 110 ms after its
 * last answer: in every trial process, and in every `pushtune` command that
 * asks the master something. `node:http` is already loaded. Connections are
 * kept alive and pooled; an idle pooled socket does not keep the process up.
 */
import {
  Agent,
  request as httpRequest,
  type IncomingMessage,
  type RequestOptions,
} from "node:http";

export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** Resolve once the headers are in, with `body` streaming the answer (default: read it all first). */
  stream?: boolean;
  /** Fail when a new connection is not made within this long (default: the OS's, some 2 minutes). */
  connectTimeoutMs?: number;
  /**
   * Fail when the connection stays silent this long while a request is open,
   * answer included (default: never). Its error's code is ENOANSWER.
   */
  idleTimeoutMs?: number;
}

/** What the SDK's transport and the CLI's client ask of a fetch function (the global `fetch` fits too). */
export type FetchLike = (url: string, init: FetchInit) => Promise<FetchedResponse>;

export interface FetchedResponse {
  ok: boolean;
  status: number;
  statusText?: string;
  headers: { get(name: string): string | null };
  /** The whole answer; once `body` has been read from, what is left of it. */
  text(): Promise<string>;
  /** The answer's bytes as they come (`stream: true`). */
  body?: AsyncIterable<Uint8Array> | null;
}

type Request = (
  options: RequestOptions,
  callback: (res: IncomingMessage) => void,
) => ReturnType<typeof httpRequest>;

const agents = new Map<string, Agent>();

/** `fetch` over `node:http` / `node:https` (loaded only for https URLs). */
export const httpFetch: FetchLike = async (url, init) => {
  const target = new URL(url);
  const https = target.protocol === "https:";
  const module = https ? await import("node:https") : null;
  const request: Request = module ? module.request : httpRequest;
  let agent = agents.get(target.protocol);
  if (agent === undefined) {
    agent = module ? new module.Agent({ keepAlive: true }) : new Agent({ keepAlive: true });
    agents.set(target.protocol, agent);
  }
  const headers: Record<string, string | number> = { ...init.headers };
  if (init.body !== undefined) headers["content-length"] = Buffer.byteLength(init.body);
  return new Promise<FetchedResponse>((resolve, reject) => {
    let response: IncomingMessage | undefined;
    /** Ends the request, and the answer being read, with an error of `code`. */
    const fail = (code: string, message: string) => {
      const error = Object.assign(new Error(message), { code });
      response?.destroy(error);
      req.destroy(error);
    };
    const req = request(
      {
        protocol: target.protocol,
        hostname: target.hostname.replace(/^\[|\]$/g, ""),
        port: target.port,
        path: target.pathname + target.search,
        method: init.method,
        headers,
        agent,
        ...(init.signal ? { signal: init.signal } : {}),
      },
      (res) => {
        response = res;
        const status = res.statusCode ?? 0;
        const answer = {
          ok: status >= 200 && status < 300,
          status,
          statusText: res.statusMessage ?? "",
          headers: { get: (name: string) => headerValue(res.headers[name.toLowerCase()]) },
        };
        if (init.stream) {
          resolve({ ...answer, body: res, text: () => readAll(res) });
          return;
        }
        // A single JSON answer: read before resolving.
        readAll(res).then((text) => resolve({ ...answer, text: async () => text }), reject);
      },
    );
    const { connectTimeoutMs, idleTimeoutMs } = init;
    if (connectTimeoutMs !== undefined) {
      req.once("socket", (socket) => {
        if (!socket.connecting) return; // a pooled connection
        const timer = setTimeout(
          () => fail("ETIMEDOUT", `no connection within ${connectTimeoutMs / 1000} s`),
          connectTimeoutMs,
        );
        socket.once("connect", () => clearTimeout(timer));
        socket.once("close", () => clearTimeout(timer));
      });
    }
    if (idleTimeoutMs !== undefined) {
      req.setTimeout(idleTimeoutMs, () =>
        fail("ENOANSWER", `no answer for ${idleTimeoutMs / 1000} s`),
      );
    }
    req.on("error", reject);
    req.end(init.body);
  });
};

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (chunk: Buffer) => chunks.push(chunk));
    res.on("error", reject);
    res.on("aborted", () => reject(new Error("the connection closed mid-answer")));
    res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(", ") : value;
}
