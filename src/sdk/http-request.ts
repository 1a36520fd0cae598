/**
 * The one HTTP call the transport needs, on `node:http`: a trial's first
 * request through the global `fetch` loads and compiles undici, about 50 ms of
 * CPU in every trial process; `node:http` is already loaded. Connections are
 * kept alive and pooled; an idle pooled socket does not keep the process up.
 */
import {
  Agent,
  request as httpRequest,
  type IncomingMessage,
  type RequestOptions,
} from "node:http";

/** What `HttpTransport` asks of a fetch function (the global `fetch` fits too). */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal },
) => Promise<FetchedResponse>;

export interface FetchedResponse {
  ok: boolean;
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
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
        const status = res.statusCode ?? 0;
        // The body is read before resolving: a single JSON answer, never a stream.
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("aborted", () => reject(new Error("the connection closed mid-answer")));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({
            ok: status >= 200 && status < 300,
            status,
            headers: { get: (name) => headerValue(res.headers[name.toLowerCase()]) },
            text: async () => text,
          });
        });
      },
    );
    req.on("error", reject);
    req.end(init.body);
  });
};

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(", ") : value;
}
