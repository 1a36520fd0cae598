/**
 * Many dots drawn as one image: each dot is counted into the pixels it
 * covers and the counts become opacity, so 250,000 validations cost one
 * pass over them and one over the plot's pixels, and crowded places look
 * darker, as overlapping translucent dots would.
 */
import type { PixelMap } from "../components/canvas-plot.js";

export function drawDots(
  ctx: CanvasRenderingContext2D,
  px: PixelMap,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  /** `[r, g, b, a]` as cssColor gives it. */
  color: readonly number[],
  /** Opacity one dot adds. */
  alpha: number,
): void {
  const w = Math.max(1, Math.ceil(px.width));
  const h = Math.max(1, Math.ceil(px.height));
  const counts = new Uint16Array(w * h);
  const half = Math.max(1, Math.round(1.5 * px.ratio));
  for (let k = 0; k < xs.length; k++) {
    const cx = Math.round(px.x(xs[k]!) - px.left);
    const cy = Math.round(px.y(ys[k]!) - px.top);
    if (cx < -half || cy < -half || cx >= w + half || cy >= h + half) continue;
    for (let y = Math.max(0, cy - half); y < Math.min(h, cy + half); y++)
      for (let x = Math.max(0, cx - half); x < Math.min(w, cx + half); x++) {
        const i = y * w + x;
        if (counts[i]! < 65535) counts[i]!++;
      }
  }
  const image = new ImageData(w, h);
  const data = image.data;
  const [r = 0, g = 0, b = 0] = color;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i]!;
    if (n === 0) continue;
    data[i * 4] = r;
    data[i * 4 + 1] = g;
    data[i * 4 + 2] = b;
    data[i * 4 + 3] = Math.round(255 * (1 - (1 - alpha) ** n));
  }
  const layer = document.createElement("canvas");
  layer.width = w;
  layer.height = h;
  layer.getContext("2d")!.putImageData(image, 0, 0);
  ctx.drawImage(layer, px.left, px.top);
}
