/**
 * What integration tests put in place of lib/auth/config.ts: the signed-in user is whatever
 * `current()` returns at the time of the call (null: signed out). Both ways the product reads the
 * session are covered: Auth.js's `auth()` and the cookie fast path `sessionUserId()`.
 */
export function mockAuthConfig(current: () => { user: { id: string } } | null) {
  return {
    auth: async () => current(),
    sessionUserId: async () => current()?.user.id ?? null,
  };
}
