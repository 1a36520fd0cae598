/**
 * The answer of every lifecycle transition function: the next state, or a
 * typed refusal. A refused action changes nothing; callers map the code to
 * their own error (HTTP 409 for user actions, a logged bug for internal ones).
 * An accepted action may leave the state as it was: repeating an action that is
 * already in effect is not an error, so a retried request stays harmless.
 */
export type TransitionResult<S extends string> =
  | { ok: true; state: S }
  | { ok: false; code: "INVALID_TRANSITION"; message: string };

export function accept<S extends string>(state: S): TransitionResult<S> {
  return { ok: true, state };
}

export function refuse<S extends string>(
  subject: string,
  action: string,
  state: S,
): TransitionResult<S> {
  return {
    ok: false,
    code: "INVALID_TRANSITION",
    message: `cannot ${action} ${subject} in state ${state}`,
  };
}
