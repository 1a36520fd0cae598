/**
 * View state kept in the page's address, so a filtered or compared view can
 * be shared or reloaded: query parameters of the hash route
 * (`#/experiments/7?brush=…&compare=3,9`), or of the path when the page is
 * served at a path. Changing one replaces the history entry rather than
 * adding one: dragging a brush is not a hundred steps back.
 */
import { useCallback, useEffect, useState } from "preact/hooks";

const CHANGED = "pushtune:url-state";

function hashRouted(): boolean {
  return location.hash.startsWith("#/");
}

function currentParams(): URLSearchParams {
  if (!hashRouted()) return new URLSearchParams(location.search);
  const q = location.hash.indexOf("?");
  return new URLSearchParams(q < 0 ? "" : location.hash.slice(q + 1));
}

export function readParam(name: string): string | null {
  return currentParams().get(name);
}

export function writeParam(name: string, value: string | null): void {
  const params = currentParams();
  if (value === null || value === "") params.delete(name);
  else params.set(name, value);
  const query = params.toString();
  if (hashRouted()) {
    const base = location.hash.split("?")[0]!;
    history.replaceState(history.state, "", query ? `${base}?${query}` : base);
  } else {
    history.replaceState(history.state, "", `${location.pathname}${query ? `?${query}` : ""}`);
  }
  dispatchEvent(new Event(CHANGED));
}

/** One query parameter as state: follows the address (back, forward, other hooks) and writes it. */
export function useUrlParam(name: string): [string | null, (value: string | null) => void] {
  const [value, setValue] = useState(() => readParam(name));
  useEffect(() => {
    const update = () => setValue(readParam(name));
    addEventListener(CHANGED, update);
    addEventListener("hashchange", update);
    addEventListener("popstate", update);
    return () => {
      removeEventListener(CHANGED, update);
      removeEventListener("hashchange", update);
      removeEventListener("popstate", update);
    };
  }, [name]);
  const set = useCallback((v: string | null) => writeParam(name, v), [name]);
  return [value, set];
}
