/**
 * Trial logs: lines captured by the launcher are buffered and written in
 * batches (one insert per flush, not one per line), then followers are woken.
 */
import type { LogLine } from "../storage/store.js";
import type { MasterContext } from "./context.js";
import { logKey } from "./effects.js";

const FLUSH_MS = 100;
const FLUSH_LINES = 500;

export class LogSink {
  private buffer: Omit<LogLine, "id">[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private readonly trialOf = new Map<string, number>();

  constructor(private readonly ctx: MasterContext) {}

  /** Tells the sink whose lines an allocation's are; called before the allocation starts. */
  register(allocationId: string, trialId: number): void {
    this.trialOf.set(allocationId, trialId);
  }

  forget(allocationId: string): void {
    this.trialOf.delete(allocationId);
  }

  add(allocationId: string, stream: "stdout" | "stderr", line: string, time: Date): void {
    const trialId = this.trialOf.get(allocationId);
    if (trialId === undefined) return; // not an allocation of this master
    this.push({ trialId, allocationId, time, stream, line });
  }

  /** A line from the master itself about a trial (start failures, exits). */
  master(trialId: number, allocationId: string | null, line: string): void {
    this.push({ trialId, allocationId, time: this.ctx.now(), stream: "master", line });
  }

  /** Lines pushed by a trial over REST. */
  addMany(lines: Omit<LogLine, "id">[]): void {
    for (const l of lines) this.push(l);
  }

  private push(line: Omit<LogLine, "id">): void {
    // A time no store can keep would fail the whole batch's insert: the line is kept, at the time it came.
    this.buffer.push(Number.isNaN(line.time.getTime()) ? { ...line, time: this.ctx.now() } : line);
    if (this.buffer.length >= FLUSH_LINES) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Writes what is buffered; resolves when it is stored. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      const stored = await this.store(batch);
      for (const id of stored) this.ctx.notifier.notify(logKey(id));
    });
    return this.flushing;
  }

  /**
   * Stores `batch` in one insert; if that is refused (a trial deleted since
   * its lines were buffered), trial by trial, so that one trial's lines cannot
   * cost the others theirs. Returns the trials whose lines were stored.
   */
  private async store(batch: Omit<LogLine, "id">[]): Promise<number[]> {
    const trials = [...new Set(batch.map((l) => l.trialId))];
    try {
      await this.ctx.store.addLogs(batch);
      return trials;
    } catch (err) {
      if (trials.length === 1) {
        console.error("pushtune: could not store trial logs:", err);
        return [];
      }
    }
    const stored: number[] = [];
    for (const id of trials)
      stored.push(...(await this.store(batch.filter((l) => l.trialId === id))));
    return stored;
  }
}
