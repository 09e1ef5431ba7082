/**
 * Password hashing with argon2id (RFC 9106) through @node-rs/argon2, with the parameters the
 * OWASP Password Storage Cheat Sheet recommends for argon2id: m = 19456 KiB (19 MiB),
 * t = 2 passes, p = 1 lane; 16-byte random salt, 32-byte tag. The parameters are stored in the
 * PHC string ("$argon2id$v=19$m=19456,t=2,p=1$…"), so raising them later keeps old hashes
 * verifiable. One hash takes ~20–60 ms and 19 MiB on this machine's cores.
 *
 * Passwords are Unicode-normalised (NFC) before hashing and verifying, so the same password
 * typed on keyboards that emit composed or decomposed characters (й vs и + U+0306) matches.
 */
import { hash, verify, type Options } from "@node-rs/argon2";
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as zxcvbnCommon from "@zxcvbn-ts/language-common";
import * as zxcvbnEn from "@zxcvbn-ts/language-en";
import { AppError } from "@/lib/errors";

/** Minimum length in Unicode code points (NIST SP 800-63B allows ≥ 8; the product asks ≥ 10). */
const PASSWORD_MIN_LENGTH = 10;
/** Maximum length in code points: a bound on hashing work per request (denial-of-service guard). */
const PASSWORD_MAX_LENGTH = 256;

/** The argon2id parameters (OWASP). `algorithm: 2` is Algorithm.Argon2id: a const enum, not importable under isolatedModules. */
export const ARGON2_OPTIONS: Readonly<Options> = Object.freeze({
  algorithm: 2 as Options["algorithm"],
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
});

/** A password that breaks the rules (400, code "weak_password"); `problems` lists each broken rule in English. */
export class PasswordPolicyError extends AppError {
  constructor(readonly problems: string[]) {
    super("weak_password", 400, `password rejected: ${problems.join("; ")}`);
  }
}

/**
 * Passwords too common to allow whatever their length (NIST SP 800-63B 5.1.1.2 asks to refuse
 * "commonly-used, expected, or compromised" values): the ≥ 10-character entries at the top of the
 * public breach-frequency lists (SecLists' 10-million-password list), compared case-insensitively.
 */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  "1234567890", "12345678910", "123456789a", "qwertyuiop", "1q2w3e4r5t", "1qaz2wsx3edc", "password12", "password123",
  "password1234", "iloveyou12", "qwerty1234", "qwerty12345", "0987654321", "1111111111", "0000000000", "abcdefghij",
  "asdfghjkl;", "zxcvbnm123", "passw0rd123", "letmein123", "welcome123", "administrator", "changeme123",
]);

/**
 * Least zxcvbn score accepted (0–4; 3 = "safely unguessable: moderate protection from offline
 * slow-hash scenario", ≥ 10^8 guesses; Wheeler 2016, "zxcvbn: Low-Budget Password Strength
 * Estimation", USENIX Security). With argon2id at ~40 ms a guess that is years of one core.
 */
const MIN_ZXCVBN_SCORE = 3;
/**
 * Code points the estimator looks at: zxcvbn's matching is super-linear (256 characters took 2 s
 * here), so only this prefix is scored; a strong prefix makes the whole at least as strong.
 */
const ZXCVBN_MAX_CHARS = 64;
/** Words of this product an attacker would try first (zxcvbn "user inputs"). */
const PRODUCT_WORDS = ["merchant", "insights", "bank", "analytics", "demo", "admin"];

let estimator: ZxcvbnFactory | null = null;
/** zxcvbn-ts with its common (passwords, names) and English dictionaries, built once per process. */
function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnEn.dictionary },
    graphs: zxcvbnCommon.adjacencyGraphs,
    translations: zxcvbnEn.translations,
  });
  return estimator;
}

/**
 * The rules a new password breaks (empty array = acceptable). Does not throw.
 * Rules (NIST SP 800-63B 5.1.1.2: length, no composition rules, refuse "commonly-used, expected,
 * or compromised" values): PASSWORD_MIN_LENGTH..PASSWORD_MAX_LENGTH code points, not only
 * whitespace, (when `context.email` is given) not containing the e-mail's local part
 * (≥ 4 characters) or being the e-mail itself, not a well-known common password, and a zxcvbn
 * score of at least MIN_ZXCVBN_SCORE (dictionary words, names, keyboard walks, repeats, dates and
 * years, l33t substitutions, the e-mail and this product's words all count as guessable):
 * "aaaaaaaaaa", "Password1!" and "Summer2026!" are refused.
 */
export function passwordProblems(password: unknown, context: { email?: string } = {}): string[] {
  if (typeof password !== "string") return ["password must be a string"];
  const length = [...password.normalize("NFC")].length;
  const problems: string[] = [];
  if (length < PASSWORD_MIN_LENGTH) problems.push(`password must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (length > PASSWORD_MAX_LENGTH) problems.push(`password must be at most ${PASSWORD_MAX_LENGTH} characters`);
  if (length > 0 && password.trim() === "") problems.push("password must not be only whitespace");
  const lower = password.normalize("NFC").toLowerCase();
  const email = context.email?.trim().toLowerCase();
  const local = email?.split("@")[0] ?? "";
  if (email && (lower === email || (local.length >= 4 && lower.includes(local)))) problems.push("password must not contain your e-mail address");
  if (COMMON_PASSWORDS.has(lower)) problems.push("password is too common");
  else if (problems.length === 0) {
    const prefix = [...password.normalize("NFC")].slice(0, ZXCVBN_MAX_CHARS).join("");
    const inputs = [...PRODUCT_WORDS, ...(email ? [email, local] : [])];
    if (zxcvbn().check(prefix, inputs).score < MIN_ZXCVBN_SCORE) problems.push("password is too easy to guess");
  }
  return problems;
}

/**
 * Hashes a new password: returns the argon2id PHC string. Throws PasswordPolicyError when the
 * password breaks the rules (see passwordProblems); nothing is hashed then.
 */
export async function hashPassword(password: string, context: { email?: string } = {}): Promise<string> {
  const problems = passwordProblems(password, context);
  if (problems.length > 0) throw new PasswordPolicyError(problems);
  return hash(password.normalize("NFC"), ARGON2_OPTIONS);
}

/**
 * True when `password` matches the PHC string `passwordHash`. False (never throws) for a wrong
 * password, a non-string or over-long input (not hashed at all), or a malformed stored hash
 * (logged, since it means a data problem, not a user mistake).
 */
export async function verifyPassword(passwordHash: string, password: unknown): Promise<boolean> {
  if (typeof password !== "string" || [...password].length > PASSWORD_MAX_LENGTH) return false;
  try {
    return await verify(passwordHash, password.normalize("NFC"));
  } catch (error) {
    console.error("verifyPassword: stored hash could not be parsed", error instanceof Error ? error.message : error);
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/**
 * Spends the same argon2id work as verifyPassword and returns false. Called when the e-mail is
 * unknown (or the user has no password), so response time does not reveal which e-mails exist.
 */
export async function verifyAgainstDummy(password: unknown): Promise<false> {
  dummyHash ??= hash("dummy password for timing equalisation", ARGON2_OPTIONS);
  await verifyPassword(await dummyHash, typeof password === "string" ? password : "");
  return false;
}
