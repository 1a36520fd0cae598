/** Serialises async work per key: one experiment's searcher steps never interleave. */
export class KeyedLock {
  private readonly tails = new Map<string | number, Promise<unknown>>();

  run<T>(key: string | number, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}
