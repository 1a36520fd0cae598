/**
 * What live views keep of each experiment between their polls (its rungs, its
 * validation columns): a value per key, brought up to date when it is read,
 * one refresh at a time per key, so that a read costs what changed since the
 * last. Bounded by the values' total weight: the least recently read go
 * first, and a value heavier than the whole bound is given out but not kept.
 */
export class RefreshedCache<K, V> {
  /** In least-recently-read-first order. */
  private readonly kept = new Map<K, { value: V; refreshing: Promise<void> }>();

  constructor(
    /** What a value holds, in the bound's units. */
    private readonly weight: (value: V) => number,
    private readonly bound: number,
  ) {}

  /**
   * `key`'s value after `refresh` brought it up to date: the kept one, or
   * one `make` makes when none is kept or `reuse` says the kept one will not do.
   */
  async read(
    key: K,
    make: () => V,
    refresh: (value: V) => Promise<void>,
    reuse: (value: V) => boolean = () => true,
  ): Promise<V> {
    const old = this.kept.get(key);
    const entry = old && reuse(old.value) ? old : { value: make(), refreshing: Promise.resolve() };
    this.kept.delete(key);
    this.kept.set(key, entry);
    const refreshed = entry.refreshing.then(() => refresh(entry.value));
    entry.refreshing = refreshed.catch(() => undefined);
    await refreshed;
    if (this.weight(entry.value) > this.bound) this.kept.delete(key);
    else this.evict();
    return entry.value;
  }

  /** `key`'s value is read no more (its experiment was deleted). */
  forget(key: K): void {
    this.kept.delete(key);
  }

  /** Values kept, and their total weight: what the bound is on. */
  get size(): { entries: number; weight: number } {
    let weight = 0;
    for (const { value } of this.kept.values()) weight += this.weight(value);
    return { entries: this.kept.size, weight };
  }

  /** Drops the least recently read while the total weight exceeds the bound. */
  private evict(): void {
    let total = this.size.weight;
    for (const [key, { value }] of this.kept) {
      if (total <= this.bound) break;
      this.kept.delete(key);
      total -= this.weight(value);
    }
  }
}
