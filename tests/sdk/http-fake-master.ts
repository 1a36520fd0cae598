/** A FakeMaster served over real HTTP (node:http), which can be stopped and restarted on its port. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type FakeMaster, RequestError } from "../../src/sdk/index.js";

export class HttpFakeMaster {
  private server: Server | null = null;
  private port = 0;
  /** Every request that reached the server, as `METHOD path`. */
  readonly received: string[] = [];

  constructor(
    readonly fm: FakeMaster,
    readonly token = "fake-token",
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The trial's environment, pointing at this server. */
  env(): Record<string, string> {
    return { ...this.fm.env(), PUSHTUNE_MASTER: this.url, PUSHTUNE_TOKEN: this.token };
  }

  /** Listens on the same port as before (a fresh one the first time). */
  async start(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", resolve);
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and cuts every open connection (long polls included). */
  async stop(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number, body: unknown) => {
      if (res.destroyed) return;
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? "").replace(/^\/api\/v1/, "");
    this.received.push(`${req.method} ${path}`);
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      reply(401, { error: { code: "UNAUTHENTICATED", message: "bad token" } });
      return;
    }
    let text = "";
    for await (const chunk of req) text += chunk;
    const aborted = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) aborted.abort(new Error("client went away"));
    });
    const method = req.method === "POST" ? "POST" : "GET";
    try {
      const answer = await this.fm.request(
        method,
        path,
        text === "" ? undefined : JSON.parse(text),
        {
          signal: aborted.signal,
        },
      );
      reply(200, answer ?? {});
    } catch (error) {
      if (error instanceof RequestError) {
        reply(error.status, {
          error: { code: error.code, message: error.message, details: error.details },
        });
      } else {
        reply(503, { error: { code: "UNAVAILABLE", message: String(error) } });
      }
    }
  }
}
