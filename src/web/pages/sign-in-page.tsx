/** Sign in with a username and password, or paste a token. */
import { useState } from "preact/hooks";
import type { UserSchema } from "../../protocol/api/resources.js";
import { ApiError, api, refusalNote, storeToken } from "../api.js";

/** `note`: why the last session ended, when the master ended it (a token revoked, a user deactivated). */
export function SignInPage(props: {
  onSignedIn: (user: UserSchema) => void;
  note?: string | null;
}) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(props.note ?? null);
  const [busy, setBusy] = useState(false);

  /** `own`: a password sign-in, whose token this tab may revoke when it signs out. */
  const attempt = async (fn: () => Promise<{ token: string; user: UserSchema }>, own = false) => {
    setBusy(true);
    setError(null);
    try {
      const res = await fn();
      storeToken(res.token, own);
      props.onSignedIn(res.user);
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? refusalNote(err)
          : err instanceof Error
            ? err.message
            : String(err),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="sign-in">
      <div class="sign-in-box">
        <h1>
          <span class="logo">◢</span> pushtune
        </h1>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void attempt(() => api.login(username, password), true);
          }}
        >
          <label>
            Username
            <input
              name="username"
              autocomplete="username"
              value={username}
              onInput={(e) => setUsername(e.currentTarget.value)}
            />
          </label>
          <label>
            Password
            <input
              name="password"
              type="password"
              autocomplete="current-password"
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </label>
          <button type="submit" class="primary" disabled={busy || !username || !password}>
            Sign in
          </button>
        </form>
        <div class="or">or</div>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const t = token.trim();
            void attempt(async () => ({ token: t, user: await api.me(t) }));
          }}
        >
          <label>
            Token
            <input
              name="token"
              type="password"
              placeholder="e.g. from ~/.pushtune/admin.token"
              value={token}
              onInput={(e) => setToken(e.currentTarget.value)}
            />
          </label>
          <button type="submit" disabled={busy || !token.trim()}>
            Sign in with token
          </button>
        </form>
        {error && (
          <div class="error-note" role="alert">
            {error}
          </div>
        )}
      </div>
    </div>
  );
}
