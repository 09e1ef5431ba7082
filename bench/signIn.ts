/**
 * Signs in through Auth.js's credentials endpoint (GET /api/auth/csrf, then POST
 * /api/auth/callback/credentials with the CSRF cookie and token), as a browser would.
 *
 * @param base the server's origin, e.g. http://127.0.0.1:3200
 * @returns the cookies the server set (name → value), the session token among them
 * @throws Error when no session-token cookie came back (wrong password, server error)
 */
export async function signInCookies(base: string, email: string, password: string): Promise<Map<string, string>> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
  };
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${base}/` }),
  });
  keep(res);
  if (![...jar.keys()].some((k) => k.includes("session-token"))) throw new Error(`sign-in failed (${res.status})`);
  return jar;
}
