/**
 * Resource pools: named sets of slots, each with the launcher that runs its
 * trials (local processes, Slurm jobs). An experiment runs in one pool, and
 * every allocation records the pool it runs in, so that after a restart the
 * right launcher adopts it. The first pool is the default one.
 */
import type { Launcher, LauncherEvents } from "./launcher.js";

export interface ResourcePool {
  readonly name: string;
  /** What runs its trials, for people: "local", "slurm". */
  readonly kind: string;
  /** What a slot is. */
  readonly slotType: "cpu" | "gpu";
  readonly launcher: Launcher;
  /** A Slurm pool's: its jobs are told to stop this long before their time limit. */
  readonly warningSeconds?: number;
}

export class ResourcePools {
  readonly all: readonly ResourcePool[];
  private readonly byName: ReadonlyMap<string, ResourcePool>;

  constructor(pools: readonly ResourcePool[]) {
    if (pools.length === 0) throw new Error("a master needs at least one resource pool");
    this.byName = new Map(pools.map((p) => [p.name, p]));
    if (this.byName.size !== pools.length) throw new Error("resource pool names must be unique");
    this.all = pools;
  }

  /** One pool named "default" around `launcher`: a master as it was before pools. */
  static single(launcher: Launcher, name = "default"): ResourcePools {
    return new ResourcePools([{ name, kind: launcher.kind ?? "local", slotType: "cpu", launcher }]);
  }

  /** Where experiments that name no pool run. */
  get default(): ResourcePool {
    return this.all[0]!;
  }

  get(name: string): ResourcePool | undefined {
    return this.byName.get(name);
  }

  get names(): string[] {
    return this.all.map((p) => p.name);
  }

  attach(events: LauncherEvents): void {
    for (const p of this.all) p.launcher.attach(events);
  }

  /** Closes every pool's launcher, each even when another fails. */
  async close(): Promise<void> {
    const results = await Promise.allSettled(this.all.map((p) => p.launcher.close()));
    const failed = results.find((r) => r.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }
}
