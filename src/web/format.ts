/** How numbers, times and states read in the UI. */

import { isEnded, RUN_STATES } from "../protocol/api/run-states.js";

export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(3);
  return Number(value.toPrecision(5)).toString();
}

export function formatNumber(value: number): string {
  return value.toLocaleString("en-US", { maximumFractionDigits: 2 });
}

export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

/** 0 s, 42 s, 3 m 20 s, 2 h 05 m, 3 d 4 h. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "–";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, "0")} s`;
  if (s < 86400)
    return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} m`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "–";
  const d = new Date(iso);
  const today = new Date();
  const sameDay = d.toDateString() === today.toDateString();
  const time = d.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
  if (sameDay) return time;
  return `${d.toLocaleDateString("en-CA")} ${time}`;
}

/** Seconds from `start` to `end` (or to `now` while it runs). */
export function elapsedSeconds(start: string, end: string | null, now: number): number {
  return ((end ? Date.parse(end) : now) - Date.parse(start)) / 1000;
}

export function formatValue(value: unknown): string {
  if (typeof value === "number") return formatMetric(value);
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

export const isTerminal = isEnded;

/** Experiment and trial states, in the order filters list them. */
export const STATES = RUN_STATES;

export function stateClass(state: string): string {
  if (state === "ACTIVE") return "state-active";
  if (state === "PAUSED") return "state-paused";
  if (state === "COMPLETED") return "state-completed";
  if (state === "ERROR" || state === "STOPPING_ERROR") return "state-error";
  if (state.startsWith("STOPPING")) return "state-stopping";
  return "state-canceled";
}

export const stateLabel = (state: string) => state.toLowerCase().replace("_", " ");
