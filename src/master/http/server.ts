/**
 * The master's HTTP face: fastify with TypeBox schemas from src/protocol as
 * the single source for validation, types and OpenAPI; one auth hook; one
 * error mapper.
 */

import { randomUUID } from "node:crypto";
import swagger from "@fastify/swagger";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from "fastify";
import pino, { type Logger } from "pino";
import type { Master } from "../app/master.js";
import { authenticate, type Principal } from "../app/principal.js";
import { PureWorkPool } from "../app/pure-work-pool.js";
import { acceptAbsentBody, readEmptyJsonAsAbsent } from "./absent-body.js";
import {
  type ConnectionLimits,
  defaultMaxConnections,
  limitConnections,
} from "./connection-limits.js";
import { frameworkErrors, installErrorHandling } from "./errors.js";
import { OpenRequests } from "./open-requests.js";
import { compileValidator } from "./request-validation.js";
import { customSearcherRoutes } from "./routes/custom-searcher.js";
import { experimentChartRoutes } from "./routes/experiment-charts.js";
import { experimentRoutes } from "./routes/experiments.js";
import { lineageRoutes } from "./routes/lineage.js";
import { pushRoutes } from "./routes/push.js";
import { resourcePoolRoutes } from "./routes/resource-pools.js";
import { systemRoutes } from "./routes/system.js";
import { trialRoutes } from "./routes/trials.js";
import { userRoutes } from "./routes/users.js";
import { registerWebUi } from "./web-ui.js";

export const VERSION = "0.1.0";

/** Milliseconds a client has to send a whole request (an SDK gives up on one after 30 s). */
export const REQUEST_TIMEOUT_MS = 120_000;
/** How long a connection may stay open before its first request starts. */
const FIRST_REQUEST_MS = 60_000;

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyContextConfig {
    /** Routes that need no token (only /health and the UI's files). */
    public?: boolean;
    /** Routes that an ended allocation's token may still call. */
    endedAllocation?: boolean;
  }
}

export type App = FastifyInstance & { withTypeProvider: FastifyInstance["withTypeProvider"] };

export interface ServerOptions {
  /**
   * Where the master logs (one JSON line per entry): by default pino on
   * stderr, warnings and errors only. Requests are not logged one by one;
   * every 5xx is, with its request id.
   */
  log?: Logger;
  /** Largest accepted body, bytes. */
  bodyLimit?: number;
  /** Milliseconds a search preview may run (in a worker thread) before it is stopped. */
  previewBudgetMs?: number;
  /** Requests one caller may have open at once (see open-requests.ts). */
  maxOpenRequests?: number;
  /** Connections the master takes at once, and how soon each must ask (connection-limits.ts). */
  connections?: Partial<ConnectionLimits>;
}

export async function buildServer(
  master: Master,
  options: ServerOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: (options.log ??
      pino({ level: "warn" }, pino.destination(2))) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // A fresh id per request, never one the client chose: it is what a 5xx's log line is found by.
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    frameworkErrors,
    bodyLimit: options.bodyLimit ?? 8 * 1024 * 1024,
    // Long polls hold requests open; keep-alive connections are reused by trials.
    keepAliveTimeout: 65_000,
    // A request (headers and body) must arrive within this, or it is answered 408 and its
    // connection closed: an upload that stalls holds no connection for good. Answers are
    // not bound by it, so long polls may wait their full time.
    requestTimeout: REQUEST_TIMEOUT_MS,
    forceCloseConnections: true,
  }).withTypeProvider<TypeBoxTypeProvider>();
  limitConnections(app.server, {
    firstRequestMs: options.connections?.firstRequestMs ?? FIRST_REQUEST_MS,
    maxConnections: options.connections?.maxConnections ?? defaultMaxConnections(),
  });
  app.setValidatorCompiler(compileValidator as never);
  installErrorHandling(app);
  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: { title: "pushtune master", version: VERSION },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: [{ bearer: [] }],
    },
  });

  app.decorateRequest("principal", null as never);
  const open = new OpenRequests(options.maxOpenRequests);
  app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.routeOptions.config?.public) return;
    // The route matched, not the URL as sent: the router decodes it (`/%61pi/…` is `/api/…`).
    if (!request.routeOptions.url?.startsWith("/api/")) return;
    const header = request.headers.authorization;
    // The scheme is case-insensitive (RFC 7235 §2.1): "bearer" and "BEARER" are "Bearer".
    const match = header?.match(/^bearer +(\S.*)$/i);
    const token = match ? match[1]!.trim() : undefined;
    request.principal = await authenticate(master.store, token, {
      allowEnded: request.routeOptions.config?.endedAllocation === true,
      now: master.ctx.now(),
    });
    // Open until its answer is handed to the OS, or its connection closes.
    reply.raw.once("close", open.enter(request.principal));
  });

  app.addHook("onRoute", acceptAbsentBody);
  readEmptyJsonAsAbsent(app);

  const pureWork = new PureWorkPool({ budgetMs: options.previewBudgetMs ?? 20_000 });
  app.addHook("onClose", async () => pureWork.close());

  await app.register(
    async (api) => {
      await systemRoutes(api, master, pureWork);
      await userRoutes(api, master);
      await experimentRoutes(api, master);
      await experimentChartRoutes(api, master);
      await trialRoutes(api, master);
      await lineageRoutes(api, master);
      await pushRoutes(api, master);
      await customSearcherRoutes(api, master);
      await resourcePoolRoutes(api, master);
    },
    { prefix: "/api/v1" },
  );
  await registerWebUi(app);
  return app;
}

/** An AbortSignal that fires when the client goes away before the answer (for long polls). */
export function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once("close", () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}
