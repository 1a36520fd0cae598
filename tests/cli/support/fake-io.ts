/**
 * The CLI in the test process: `main(argv, io)` with output captured, a
 * chosen terminal (TTY or not, width), stdin text, and Ctrl-C on demand.
 * For behaviour where a child process would only add seconds.
 */
import type { Io } from "../../../src/cli/io.js";
import { main } from "../../../src/cli/program.js";

export interface FakeIo extends Io {
  stdout: string;
  stderr: string;
  /** Presses Ctrl-C. */
  interrupt(): void;
  /** Resolves once a command listens for Ctrl-C. */
  listeningForInterrupt(): Promise<void>;
}

export interface FakeIoOptions {
  env?: Record<string, string>;
  isTTY?: boolean;
  columns?: number | null;
  stdin?: string;
  cwd?: string;
}

export function fakeIo(options: FakeIoOptions = {}): FakeIo {
  const handlers = new Set<() => void>();
  const io: FakeIo = {
    stdout: "",
    stderr: "",
    out: (text) => {
      io.stdout += text;
    },
    err: (text) => {
      io.stderr += text;
    },
    env: options.env ?? {},
    isTTY: options.isTTY ?? false,
    columns: () => (options.columns === undefined ? null : options.columns),
    stdin: { isTTY: false, readAll: async () => options.stdin ?? "" },
    promptHidden: async () => options.stdin ?? "",
    onInterrupt(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    interrupt: () => {
      for (const h of [...handlers]) h();
    },
    async listeningForInterrupt() {
      while (handlers.size === 0) await new Promise((r) => setTimeout(r, 10));
    },
    now: () => Date.now(),
    cwd: () => options.cwd ?? process.cwd(),
  };
  return io;
}

/** Runs `pushtune …args` in this process; resolves to the exit status and the captured output. */
export async function runInProcess(
  args: string[],
  options: FakeIoOptions = {},
  io: FakeIo = fakeIo(options),
): Promise<{ code: number; stdout: string; stderr: string; io: FakeIo }> {
  const code = await main(["node", "pushtune", ...args], io);
  return { code, stdout: io.stdout, stderr: io.stderr, io };
}
