/**
 * A launcher that starts nothing: tests play the trial's part over HTTP with
 * the environment it was given, and end allocations with `exit`.
 */
import type { ExitInfo, Launcher, LauncherEvents, LaunchSpec } from "./launcher.js";
import { localWorkdirIssue } from "./workdir-issue.js";

export class FakeLauncher implements Launcher {
  readonly kind = "fake";
  readonly launched: LaunchSpec[] = [];
  readonly killed: string[] = [];
  /** Allocations sent SIGTERM; a fake process does not exit on it (tests call `exit`). */
  readonly terminated: string[] = [];
  /** Allocations that a live one's process took on instead of a launch, as [from, to]. */
  readonly handedOver: [string, string][] = [];
  readonly live = new Map<string, LaunchSpec>();
  /** Allocations whose process has not started yet (a job still queued): tests add them. */
  readonly queuedJobs = new Set<string>();
  private events: LauncherEvents | null = null;
  private readonly listeners = new Set<(spec: LaunchSpec) => void>();

  constructor(
    readonly totalSlots = 4,
    /** A restarted master's allocations are still running (as Slurm jobs are) and are adopted. */
    private readonly adopts = false,
  ) {}

  attach(events: LauncherEvents): void {
    this.events = events;
  }

  /** As the local launcher: the tests' trials would run here. */
  workdirIssue(workdir: string): Promise<string | null> {
    return localWorkdirIssue(workdir);
  }

  async launch(spec: LaunchSpec): Promise<unknown> {
    this.launched.push(spec);
    this.live.set(spec.allocationId, spec);
    for (const l of this.listeners) l(spec);
    return { fake: spec.allocationId };
  }

  queued(allocationId: string): boolean {
    return this.queuedJobs.has(allocationId);
  }

  async terminate(allocationId: string): Promise<void> {
    if (this.running(allocationId)) this.terminated.push(allocationId);
  }

  async kill(allocationId: string): Promise<void> {
    this.killed.push(allocationId);
    if (this.running(allocationId))
      this.exit(allocationId, { exitCode: null, signal: "SIGKILL", lost: false });
  }

  private running(allocationId: string): boolean {
    return this.live.has(allocationId) || this.adopted.has(allocationId);
  }

  handOver(from: string, to: LaunchSpec): unknown {
    if (!this.live.delete(from)) return null;
    this.live.set(to.allocationId, to);
    this.handedOver.push([from, to.allocationId]);
    return { fake: to.allocationId };
  }

  /** Allocations a restarted master asked this launcher about. */
  readonly recovered: string[] = [];
  /** Those still running (`adopts`): they end with `exit` or `kill`. */
  readonly adopted = new Set<string>();

  /** One whose master died before it stored its handle is found, as Slurm's launcher finds its job. */
  async recover(allocationId: string, handle: unknown): Promise<"adopted" | "stopped"> {
    this.recovered.push(allocationId);
    if (!this.adopts) return "stopped";
    this.adopted.add(allocationId);
    if (handle === null) this.events?.found?.(allocationId, { fake: allocationId });
    return "adopted";
  }

  /** Handles of deleted experiments' runs, in the order the master gave them up. */
  readonly forgotten: unknown[] = [];

  async forget(handle: unknown): Promise<void> {
    this.forgotten.push(handle);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }

  /** Ends a live allocation as if its process exited. */
  exit(allocationId: string, info: Partial<ExitInfo> = {}): void {
    if (!this.live.delete(allocationId) && !this.adopted.delete(allocationId)) return;
    this.events?.exited(allocationId, { exitCode: 0, signal: null, lost: false, ...info });
  }

  log(allocationId: string, line: string, stream: "stdout" | "stderr" = "stdout"): void {
    this.events?.log(allocationId, stream, line, new Date());
  }

  /** Calls `fn` for every launch from now on (and returns a function to stop). */
  onLaunch(fn: (spec: LaunchSpec) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
