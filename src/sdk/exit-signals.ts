/**
 * Flush pending pushes when the process is told to stop (SIGTERM from the
 * launcher, Ctrl-C from a user). One listener per signal for the whole process,
 * installed while at least one context is open and removed with the last one.
 * After flushing (or after the deadline) the signal is raised again, so the
 * process still ends the way the sender of the signal expects.
 */

const SIGNALS = ["SIGTERM", "SIGINT"] as const;
type Flush = () => Promise<void>;

const flushes = new Set<Flush>();
/** Long enough to deliver a backlog, short enough to beat the launcher's kill after SIGTERM. */
const FLUSH_DEADLINE_MS = 10_000;

function onSignal(signal: NodeJS.Signals): void {
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  const pending = [...flushes].map((flush) => flush().catch(() => undefined));
  flushes.clear();
  process.stderr.write(`pushtune: ${signal}: delivering pending reports before exiting\n`);
  const deadline = new Promise<void>((resolve) => setTimeout(resolve, FLUSH_DEADLINE_MS).unref());
  void Promise.race([Promise.all(pending), deadline]).finally(() => {
    // Someone else handles this signal: the exit is theirs to decide.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

/** Runs `flush` (for at most 10 s) if SIGTERM or SIGINT arrives. Returns the function that unregisters it. */
export function flushOnExitSignals(flush: Flush): () => void {
  if (flushes.size === 0) for (const s of SIGNALS) process.on(s, onSignal);
  flushes.add(flush);
  return () => {
    if (!flushes.delete(flush)) return;
    if (flushes.size === 0) for (const s of SIGNALS) process.removeListener(s, onSignal);
  };
}
