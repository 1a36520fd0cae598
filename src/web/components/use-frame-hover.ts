/** A plot's hover handler run at most once per animation frame, with the latest cursor, however fast the mouse moves. */
import { useCallback, useEffect, useRef } from "preact/hooks";
import type { HoverPoint, PixelMap } from "./canvas-plot.js";

export function useFrameHover(
  handle: (at: HoverPoint | null, px: PixelMap | null) => void,
): (at: HoverPoint | null, px: PixelMap | null) => void {
  const latest = useRef(handle);
  latest.current = handle;
  const pending = useRef<{ at: HoverPoint | null; px: PixelMap | null }>({ at: null, px: null });
  const frame = useRef(0);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);
  return useCallback((at, px) => {
    pending.current = { at, px };
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      latest.current(pending.current.at, pending.current.px);
    });
  }, []);
}
