/** The shell: who is signed in, the top bar, and which page the hash names. */
import { useEffect, useState } from "preact/hooks";
import type { UserSchema } from "../protocol/api/resources.js";
import { api, onUnauthorized, refusalNote, signOut, storedToken, storeToken } from "./api.js";
import { MeContext } from "./me.js";
import { ExperimentPage } from "./pages/experiment-page.js";
import { ExperimentsPage } from "./pages/experiments-page.js";
import { PoolsPage } from "./pages/pools-page.js";
import { SignInPage } from "./pages/sign-in-page.js";
import { TrialPage } from "./pages/trial-page.js";
import { UsersPage } from "./pages/users-page.js";
import { href, navigate, useRoute } from "./router.js";

export function App() {
  const route = useRoute();
  // With a stored token the page renders at once; /me names the user, and
  // any 401 (from it or from the page's own calls) goes back to sign-in.
  const [signedIn, setSignedIn] = useState(() => storedToken() !== null);
  const [user, setUser] = useState<UserSchema | null>(null);
  /** Why the master ended the session, shown on the sign-in page. */
  const [ended, setEnded] = useState<string | null>(null);

  useEffect(() => {
    const token = storedToken();
    if (token) api.me(token).then(setUser, () => undefined);
  }, []);

  useEffect(
    () =>
      onUnauthorized((err) => {
        setEnded(refusalNote(err));
        storeToken(null);
        setUser(null);
        setSignedIn(false);
      }),
    [],
  );

  if (!signedIn)
    return (
      <SignInPage
        note={ended}
        onSignedIn={(u) => {
          setEnded(null);
          setUser(u);
          setSignedIn(true);
          if (route.page === "sign-in") navigate(href.experiments());
        }}
      />
    );

  return (
    <MeContext.Provider value={user}>
      <div class="shell">
        <header class="topbar">
          <a class="brand" href={href.experiments()}>
            <span class="logo">◢</span> <span class="brand-name">pushtune</span>
          </a>
          <nav>
            <a href={href.experiments()} class={route.page === "experiments" ? "current" : ""}>
              Experiments
            </a>
            <a href={href.pools()} class={route.page === "pools" ? "current" : ""}>
              Pools
            </a>
            <a href={href.users()} class={route.page === "users" ? "current" : ""}>
              Users
            </a>
          </nav>
          <span class="user">
            {user?.username}
            <button
              type="button"
              class="link"
              onClick={() => {
                void signOut();
                setUser(null);
                setSignedIn(false);
                navigate(href.signIn());
              }}
            >
              Sign out
            </button>
          </span>
        </header>
        <main>
          {route.page === "experiment" ? (
            <ExperimentPage id={route.id} key={`e${route.id}`} />
          ) : route.page === "trial" ? (
            <TrialPage id={route.id} key={`t${route.id}`} />
          ) : route.page === "pools" ? (
            <PoolsPage />
          ) : route.page === "users" ? (
            <UsersPage />
          ) : (
            <ExperimentsPage />
          )}
        </main>
      </div>
    </MeContext.Provider>
  );
}
