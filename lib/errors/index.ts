/*
 * The one error base of the product (kernel: imports nothing of ours; CONVENTIONS.md 15;
 * docs/adr/0010-kernel-and-one-error-base.md). An expected failure is an AppError with a stable machine
 * `code`, the HTTP `status` it maps to, and a message that is safe to show. Routes, server actions
 * and the CLI map errors in one place each (errorBody below, used by the route wrappers of
 * lib/auth/access.ts; actionError of app/action-error.ts; exitCodeOf, used by the CLI's
 * reportCliError), by reading these fields, never by an `instanceof` ladder: a new subclass is
 * mapped without touching a mapper. Anything that is not an AppError is a bug or an outage:
 * logged, and answered as a generic 500 / exit code 1 without its message.
 */

/** Extra, safe-to-show fields a client may need (e.g. the plan a locked feature requires). */
export type AppErrorDetails = Readonly<Record<string, string | number | boolean | null>>;

/**
 * An expected failure. `code`: stable snake_case identifier the UI translates (messages/{en,ru}
 * `errors.<code>`); `status`: HTTP status (400 invalid input, 401, 403, 404, 409 conflict,
 * 413 too large, 422 cannot be done on this data, 429 too many requests, 503 not configured);
 * `details`: safe fields for the response body.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: AppErrorDetails | undefined;

  constructor(code: string, status: number, message: string, details?: AppErrorDetails) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

/** True for an AppError, also across module copies (Next bundles server code more than once). */
export function isAppError(error: unknown): error is AppError {
  return (
    error instanceof AppError ||
    (error instanceof Error &&
      typeof (error as Partial<AppError>).code === "string" &&
      typeof (error as Partial<AppError>).status === "number" &&
      "details" in error)
  );
}

/** The `error` field of an HTTP body: the code in words ("not_found" → "not found"), as this API has always answered. */
export function errorWords(code: string): string {
  return code.replace(/_/g, " ");
}

/** A zod validation error, ZodError or zod core's $ZodError (checked by shape: any copy of zod is recognised). */
function isZodError(error: unknown): error is Error & { issues: unknown[] } {
  return error instanceof Error && /^\$?ZodError$/.test(error.name) && Array.isArray((error as { issues?: unknown }).issues);
}

/**
 * The status and JSON body of an error for an HTTP answer, the one mapping every route uses:
 * - an AppError: its `status` and `{ error: <code in words>, ...details }` (e.g. 404
 *   `{ error: "not found" }`, 403 `{ error: "feature locked", feature, requiredPlan }`); the
 *   message is for logs, the CLI and forms, not for the body;
 * - a zod validation error: 400 `{ error: "invalid request", issues }`;
 * - anything else (a bug or an outage, whose message may hold internals): 500
 *   `{ error: "internal error" }`, with `expected: false` so the caller logs it.
 */
export function errorBody(error: unknown): { status: number; body: Record<string, unknown>; expected: boolean } {
  if (isAppError(error)) return { status: error.status, body: { error: errorWords(error.code), ...error.details }, expected: true };
  if (isZodError(error)) return { status: 400, body: { error: "invalid request", issues: error.issues }, expected: true };
  return { status: 500, body: { error: "internal error" }, expected: false };
}

/**
 * The process exit code of an error for the CLI: 2 for invalid input or usage (4xx other than
 * 403), 3 for a refused permission or plan (403), 1 for everything else.
 */
export function exitCodeOf(error: unknown): number {
  if (!isAppError(error)) return 1;
  if (error.status === 403) return 3;
  if (error.status >= 400 && error.status < 500) return 2;
  return 1;
}

/**
 * Errors of the authorization layer (re-exported by lib/auth/errors), AppErrors mapped in one place per surface
 * (lib/errors errorBody for routes: 401 {error: "unauthorized"}, 403 {error: "forbidden"},
 * 404 {error: "not found"}; app/action-error.ts for server actions). Server actions that do not
 * catch them let them propagate (Next hides their message from the client in production and
 * shows the nearest error boundary).
 */

/** No signed-in user (401, code "unauthorized"). */
export class UnauthorizedError extends AppError {
  constructor(message = "unauthorized") {
    super("unauthorized", 401, message);
  }
}

/**
 * The resource does not exist OR the actor may not see it; the two are deliberately
 * indistinguishable, so another tenant's ids cannot be probed (404, code "not_found").
 */
export class NotFoundError extends AppError {
  constructor(message = "not found") {
    super("not_found", 404, message);
  }
}

/**
 * The actor can see the merchant but its role does not allow this operation (403, code
 * "forbidden"), e.g. a merchant_viewer attempting an owner-only change. Only use it where the
 * merchant is already visible to the actor; otherwise use NotFoundError.
 */
export class ForbiddenError extends AppError {
  constructor(message = "forbidden") {
    super("forbidden", 403, message);
  }
}
