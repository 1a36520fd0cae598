/**
 * Connections that ask nothing: Node.js keeps a connection that never sends a
 * request open for good, each holding one of the master's file descriptors.
 * A client that leaks sockets, or opens them on purpose, would take every
 * descriptor the process may have, and then the master could no longer start
 * a trial (each needs pipes), open a file, or accept a trial's push. Here a
 * connection must start its first request within `firstRequestMs`, and the
 * master takes at most `maxConnections` at once (those past it are closed as
 * they come), leaving room under the process's limit for everything else.
 */
import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import type { Socket } from "node:net";

/** Descriptors kept for what is not a connection: trials' pipes, the database, log files. */
const RESERVED_DESCRIPTORS = 1024;

export interface ConnectionLimits {
  firstRequestMs: number;
  maxConnections: number;
}

export function limitConnections(server: Server, limits: ConnectionLimits): void {
  server.maxConnections = limits.maxConnections;
  const waiting = new WeakMap<Socket, NodeJS.Timeout>();
  server.on("connection", (socket: Socket) => {
    const timer = setTimeout(() => socket.destroy(), limits.firstRequestMs);
    timer.unref();
    waiting.set(socket, timer);
    socket.once("close", () => clearTimeout(timer));
  });
  server.on("request", (request) => {
    const timer = waiting.get(request.socket);
    if (timer === undefined) return;
    clearTimeout(timer);
    waiting.delete(request.socket);
  });
}

/**
 * Connections the master takes at once by default: what the process's limit
 * of open files leaves after RESERVED_DESCRIPTORS (Linux; elsewhere, or
 * unreadable, 10,000).
 */
export function defaultMaxConnections(): number {
  let limit = 10_000 + RESERVED_DESCRIPTORS;
  try {
    const line = readFileSync("/proc/self/limits", "utf8")
      .split("\n")
      .find((l) => l.startsWith("Max open files"));
    const soft = Number(line?.split(/\s{2,}/)[1]);
    if (Number.isFinite(soft)) limit = soft;
  } catch {
    // Not Linux: the default above.
  }
  return Math.max(64, limit - RESERVED_DESCRIPTORS);
}
