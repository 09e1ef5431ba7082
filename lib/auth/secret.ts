/**
 * The secret that encrypts session JWTs (next-auth's AUTH_SECRET).
 *
 * Production sets AUTH_SECRET (at least 32 characters; `openssl rand -hex 32`). When it is unset,
 * the demo still works without configuration: the secret is read from `.data/auth-secret`, or
 * created there once (32 random bytes as hex, file mode 0600), so sessions survive restarts and
 * all processes sharing the checkout agree on it. Deleting the file signs everyone out.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** Where the generated secret lives when AUTH_SECRET is unset. */
function defaultSecretFile(cwd = process.cwd()): string {
  return path.join(cwd, ".data", "auth-secret");
}

/**
 * AUTH_SECRET from `env` when set (throws when shorter than 32 characters: a short secret is a
 * misconfiguration, not a choice); otherwise the contents of `file` ({@link generatedSecret}).
 */
export function resolveAuthSecret(env: Record<string, string | undefined> = process.env, file = defaultSecretFile()): string {
  const fromEnv = env.AUTH_SECRET?.trim();
  if (fromEnv) {
    if (fromEnv.length < 32) throw new Error("AUTH_SECRET must be at least 32 characters (e.g. `openssl rand -hex 32`)");
    return fromEnv;
  }
  return generatedSecret(file);
}

/**
 * A secret kept in `file`: created atomically when missing (32 random bytes as 64 hex characters,
 * file mode 0600), read otherwise, so every process sharing the checkout agrees on it across
 * restarts. The demo uses it for AUTH_SECRET and UNSUBSCRIBE_SECRET when they are unset.
 * @throws Error when the file exists but holds fewer than 32 characters
 */
export function generatedSecret(file: string): string {
  fs.mkdirSync(/*turbopackIgnore: true*/ path.dirname(file), { recursive: true });
  try {
    // 'wx' fails when the file exists, so two processes starting at once cannot both write.
    fs.writeFileSync(/*turbopackIgnore: true*/ file, crypto.randomBytes(32).toString("hex") + "\n", { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const secret = fs.readFileSync(/*turbopackIgnore: true*/ file, "utf8").trim();
  if (secret.length < 32) throw new Error(`${file} does not hold a secret of at least 32 characters; delete it to create a new one`);
  return secret;
}
