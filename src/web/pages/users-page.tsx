/**
 * The master's users: who has an account, which are admins, which are
 * deactivated. An admin deactivates a user here (their tokens and sign-ins are
 * refused at once; their experiments go on) or activates them again.
 */
import { useEffect, useState } from "preact/hooks";
import type { UserSchema } from "../../protocol/api/resources.js";
import { api } from "../api.js";
import { ErrorNote } from "../components/badges.js";
import { usePoll } from "../hooks.js";
import { useMe } from "../me.js";

export function UsersPage() {
  const me = useMe();
  const users = usePoll((signal) => api.users(signal), 10_000, []);
  const [actionError, setActionError] = useState<Error | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  useEffect(() => {
    document.title = "Users · pushtune";
  }, []);
  const admin = me?.admin === true;

  const setActive = async (u: UserSchema, active: boolean) => {
    if (!active && !confirm(`Deactivate ${u.username}? Their tokens and sign-ins stop working.`))
      return;
    setBusy(u.username);
    setActionError(null);
    try {
      await api.setUserActive(u.username, active);
    } catch (err) {
      setActionError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(null);
      users.refresh();
    }
  };

  return (
    <div class="page users-page" data-ready={users.data ? "true" : undefined}>
      <div class="page-head">
        <h1>Users</h1>
      </div>
      <ErrorNote error={actionError ?? users.error} />
      {users.data && (
        <table class="table users">
          <thead>
            <tr>
              <th>User</th>
              <th>Role</th>
              <th>Status</th>
              {admin && <th />}
            </tr>
          </thead>
          <tbody>
            {users.data.users.map((u) => (
              <tr key={u.id} data-user={u.username}>
                <td>{u.username}</td>
                <td>{u.admin ? "admin" : "user"}</td>
                <td class={u.active ? "" : "muted"}>{u.active ? "active" : "deactivated"}</td>
                {admin && (
                  <td>
                    {u.id !== me?.id && (
                      <button
                        type="button"
                        disabled={busy !== null}
                        onClick={() => void setActive(u, !u.active)}
                      >
                        {u.active ? "Deactivate" : "Activate"}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
