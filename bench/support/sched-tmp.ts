import { readFileSync } from "node:fs";
export function sched(): [number, number, number] {
  const [run, wait, slices] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8")
    .trim()
    .split(" ")
    .map(Number);
  return [run! / 1e6, wait! / 1e6, slices!];
}
