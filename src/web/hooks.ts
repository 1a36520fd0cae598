/** Live data: load now, then again every interval while the component is shown. */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";

export interface Polled<T> {
  data: T | null;
  error: Error | null;
  /** Loads again now (after an action), without waiting for the interval. */
  refresh(): void;
}

/**
 * Calls `load` at once and then `intervalMs` after each answer (never two at
 * a time), until the component unmounts or `deps` change; the signal aborts
 * the request in flight then. A hidden tab waits until it is shown again.
 */
export function usePoll<T>(
  load: (signal: AbortSignal) => Promise<T>,
  /** A number, or one computed from the last answer (slower once a thing has ended). */
  intervalMs: number | ((last: T) => number),
  deps: unknown[],
): Polled<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const kick = useRef<() => void>(() => {});
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = false;
    let again = false;
    let last: T | undefined;
    const tick = async () => {
      clearTimeout(timer);
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        const value = await load(controller.signal);
        if (controller.signal.aborted) return;
        last = value;
        setData(value);
        setError(null);
      } catch (err) {
        if (controller.signal.aborted) return;
        setError(err instanceof Error ? err : new Error(String(err)));
      } finally {
        running = false;
      }
      if (again) {
        again = false;
        void tick();
        return;
      }
      const wait =
        typeof intervalMs === "number" ? intervalMs : last === undefined ? 2000 : intervalMs(last);
      timer = setTimeout(whenVisible, wait);
    };
    const whenVisible = () => {
      if (document.visibilityState === "visible") void tick();
      else document.addEventListener("visibilitychange", tickOnce, { once: true });
    };
    const tickOnce = () => void tick();
    kick.current = () => void tick();
    setData(null);
    setError(null);
    void tick();
    return () => {
      controller.abort();
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", tickOnce);
    };
  }, deps);
  return { data, error, refresh: () => kick.current() };
}

/** The current time, ticking every `ms` (for durations of running things). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

/** Width of an element, following resizes. */
export function useWidth<E extends HTMLElement>(): [(el: E | null) => void, number] {
  const [width, setWidth] = useState(0);
  const observer = useRef<ResizeObserver | null>(null);
  const ref = useCallback((el: E | null) => {
    observer.current?.disconnect();
    observer.current = null;
    if (!el) return;
    observer.current = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0]?.contentRect.width ?? 0);
      setWidth((old) => (old === w ? old : w));
    });
    observer.current.observe(el);
  }, []);
  return [ref, width];
}
