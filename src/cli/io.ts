/**
 * What a command may touch of the outside world: its output streams, the
 * environment, the terminal, stdin, Ctrl-C and the clock. Commands get an
 * `Io` from `main`, so the same code runs as the real `pushtune` process and
 * in-process in tests with captured output.
 */
import { setLongTimeout } from "../protocol/timers.js";

export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** True when stdout is a terminal: live redraws, colours (unless NO_COLOR). */
  isTTY: boolean;
  /** Terminal width, or null when there is no terminal (and COLUMNS is unset): nothing is cut. */
  columns(): number | null;
  /** Standard input: whether it is a terminal, and its whole text when it is not. */
  stdin: { isTTY: boolean; readAll(): Promise<string> };
  /** Asks for a line on the terminal without echoing it. */
  promptHidden(question: string): Promise<string>;
  /** Calls `handler` on Ctrl-C until the returned function is called. */
  onInterrupt(handler: () => void): () => void;
  now(): number;
  cwd(): string;
}

/** The exit status when stdout's reader went away: a process killed by SIGPIPE gets 128 + 13. */
export const EXIT_OUTPUT_CLOSED = 141;

let watchingOutput = false;
let closedOutputEnds = true;

/**
 * For a server (`pushtune master`): once stdout's reader is gone, what it
 * writes there is dropped and it goes on serving, rather than ending as a
 * command piped into `head` does.
 */
export function keepRunningWhenOutputCloses(): void {
  closedOutputEnds = false;
}

/**
 * `pushtune … | head`: once the reader stops reading, a write to stdout fails
 * with EPIPE. That ends the CLI at once and quietly, as SIGPIPE ends `git log`,
 * whatever the command was doing; no stack trace. A closed stderr is ignored:
 * there is nobody left to tell.
 */
function endQuietlyWhenOutputCloses(): void {
  if (watchingOutput) return;
  watchingOutput = true;
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    if (closedOutputEnds) process.exit(EXIT_OUTPUT_CLOSED);
  });
  process.stderr.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
  });
}

export function processIo(): Io {
  const env = process.env;
  endQuietlyWhenOutputCloses();
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    env,
    isTTY: process.stdout.isTTY === true,
    columns() {
      if (process.stdout.isTTY) return process.stdout.columns || 80;
      const fromEnv = Number(env.COLUMNS);
      return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : null;
    },
    stdin: {
      isTTY: process.stdin.isTTY === true,
      async readAll() {
        const chunks: Buffer[] = [];
        for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks).toString("utf8");
      },
    },
    promptHidden: (question) => promptHidden(question),
    onInterrupt(handler) {
      process.on("SIGINT", handler);
      return () => void process.off("SIGINT", handler);
    },
    now: () => Date.now(),
    cwd: () => process.cwd(),
  };
}

/** Reads one line from the terminal in raw mode, echoing nothing. */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let value = "";
    const done = (error: Error | null) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off("data", onData);
      process.stderr.write("\n");
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString("utf8")) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") return done(null);
        if (ch === "\u0003") return done(new Error("interrupted"));
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on("data", onData);
  });
}

/** Waits `ms`, or less when `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setLongTimeout(finish, ms);
    function finish() {
      timer.clear();
      signal?.removeEventListener("abort", finish);
      resolve();
    }
    signal?.addEventListener("abort", finish, { once: true });
  });
}
