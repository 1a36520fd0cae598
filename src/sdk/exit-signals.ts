/**
 * What the SDK does when the process is told to stop, for as long as a
 * context is open (one listener per signal for the whole process, removed
 * with the last context):
 *
 * - The first SIGTERM, for trials that watch for preemption (the Trainer, a
 *   loop over `searcher.operations()`, `preempt.signal`/`shouldPreempt()`),
 *   is a preemption, as if the master had asked: the trial checkpoints and
 *   exits. Slurm sends it ahead of a time limit and on preemption
 *   (`--signal=B:TERM@…`), as does anyone who wants the process gone. What
 *   was reported so far is sent at once, so that a trial that goes on
 *   anyway and is killed later has delivered it.
 * - Any other SIGTERM (a second one, one for a trial that never looks at
 *   preemption, or one for a trial already told to stop and still running),
 *   and SIGINT (Ctrl-C): pending reports are delivered (for at most 10 s),
 *   then the signal is raised again, so the process ends the way the sender
 *   of the signal expects.
 */

const SIGNALS = ["SIGTERM", "SIGINT"] as const;
type Flush = () => Promise<void>;

/** A context's part in a stop: its flush, and its trial's preemption. */
export interface StopHandlers {
  flush: Flush;
  /** Told, before `flush`, that the signal ends the process: start nothing more. */
  ending?: () => void;
  /** Whether a SIGTERM now can be this trial's stop (it watches, and took no SIGTERM as one yet). */
  canPreempt?: () => boolean;
  /** Stops the trial as for a preemption. */
  preempt?: () => void;
}

const registered = new Set<StopHandlers>();
/** A SIGTERM was taken as a preemption by the open contexts: the next one ends the process. */
let preemptedBySignal = false;
/** Long enough to deliver a backlog, short enough to beat the launcher's kill after SIGTERM. */
const FLUSH_DEADLINE_MS = 10_000;

function onSignal(signal: NodeJS.Signals): void {
  const all = [...registered];
  if (
    signal === "SIGTERM" &&
    !preemptedBySignal &&
    all.length > 0 &&
    all.every((r) => r.canPreempt?.() === true)
  ) {
    preemptedBySignal = true;
    process.stderr.write(
      "pushtune: SIGTERM: stopping as for a preemption (checkpoint, then exit)\n",
    );
    for (const r of all) {
      r.preempt?.();
      void r.flush().catch(() => undefined);
    }
    return;
  }
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  registered.clear();
  for (const r of all) r.ending?.();
  const pending = all.map((r) => r.flush().catch(() => undefined));
  process.stderr.write(`pushtune: ${signal}: delivering pending reports before exiting\n`);
  const deadline = new Promise<void>((resolve) => setTimeout(resolve, FLUSH_DEADLINE_MS).unref());
  void Promise.race([Promise.all(pending), deadline]).finally(() => {
    // Someone else handles this signal: the exit is theirs to decide.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

/** Registers a context's handlers for SIGTERM and SIGINT (above). Returns the function that unregisters them. */
export function handleExitSignals(handlers: StopHandlers): () => void {
  if (registered.size === 0) for (const s of SIGNALS) process.on(s, onSignal);
  registered.add(handlers);
  return () => {
    if (!registered.delete(handlers)) return;
    if (registered.size > 0) return;
    for (const s of SIGNALS) process.removeListener(s, onSignal);
    preemptedBySignal = false;
  };
}
