import { AppError } from "@/lib/errors";

/**
 * Errors of the authorization layer, AppErrors mapped in one place per surface
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
