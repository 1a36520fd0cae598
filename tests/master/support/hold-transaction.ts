/**
 * Holds a transaction half-way, to make two transactions meet: the next
 * transaction of `store` that calls `method` on its transaction's store with
 * arguments that `when` accepts waits, right after that call, until
 * `release` is called. `held` resolves once it waits.
 */
import type { Store } from "../../../src/master/storage/store.js";

type Method = {
  [K in keyof Store]: Store[K] extends (...args: never[]) => unknown ? K : never;
}[keyof Store];

export function holdTransactionAfter<K extends Method>(
  store: Store,
  method: K,
  when: (...args: Parameters<Store[K]>) => boolean = () => true,
): { held: Promise<void>; release: () => void } {
  let release = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let reached = () => {};
  const held = new Promise<void>((r) => {
    reached = r;
  });
  const transaction = store.transaction.bind(store);
  let armed = true;
  store.transaction = (fn) =>
    transaction((tx) =>
      fn(
        new Proxy(tx, {
          get(target, key) {
            const value = Reflect.get(target, key, target);
            if (typeof value !== "function") return value;
            if (key !== method) return value.bind(target);
            return async (...args: Parameters<Store[K]>) => {
              const result = await value.apply(target, args);
              if (armed && when(...args)) {
                armed = false;
                reached();
                await gate;
              }
              return result;
            };
          },
        }),
      ),
    );
  return { held, release };
}
