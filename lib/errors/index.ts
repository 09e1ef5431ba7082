/*
 * The one error base of the product (kernel: imports nothing of ours; CONVENTIONS.md 15). An
 * expected failure is an AppError with a stable machine `code`, the HTTP `status` it maps to, and
 * a message that is safe to show. Routes, server actions and the CLI map errors in one place each
 * (the route wrapper in lib/auth/access.ts, the action result helper, the CLI's exit handler), by
 * reading these fields, never by an `instanceof` ladder. Anything that is not an AppError is a bug
 * or an outage: logged, and answered as a generic 500 / exit code 1 without its message.
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

/**
 * The JSON body and status of an error for an HTTP answer: `{ error: code, message, ...details }`
 * for an AppError, `{ error: "internal_error" }` with 500 for anything else (whose message may
 * hold internals and is never sent).
 */
export function errorBody(error: unknown): { status: number; body: Record<string, unknown> } {
  if (isAppError(error)) return { status: error.status, body: { error: error.code, message: error.message, ...error.details } };
  return { status: 500, body: { error: "internal_error" } };
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
