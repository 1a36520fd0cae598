/** Hash routes: `#/experiments`, `#/experiments/7`, `#/trials/42`, `#/pools`, `#/users`, `#/sign-in`. */
import { useEffect, useState } from "preact/hooks";

export type Route =
  | { page: "sign-in" }
  | { page: "experiments" }
  | { page: "experiment"; id: number }
  | { page: "trial"; id: number }
  | { page: "pools" }
  | { page: "users" };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("?")[0]!.split("/").filter(Boolean);
  const id = Number(parts[1]);
  if (parts[0] === "sign-in") return { page: "sign-in" };
  if (parts[0] === "pools") return { page: "pools" };
  if (parts[0] === "users") return { page: "users" };
  if (parts[0] === "experiments" && Number.isInteger(id) && id > 0)
    return { page: "experiment", id };
  if (parts[0] === "trials" && Number.isInteger(id) && id > 0) return { page: "trial", id };
  return { page: "experiments" };
}

export const href = {
  experiments: () => "#/experiments",
  experiment: (id: number) => `#/experiments/${id}`,
  trial: (id: number) => `#/trials/${id}`,
  pools: () => "#/pools",
  users: () => "#/users",
  signIn: () => "#/sign-in",
};

export function navigate(to: string): void {
  if (location.hash !== to) location.hash = to;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", update);
    return () => removeEventListener("hashchange", update);
  }, []);
  return route;
}
