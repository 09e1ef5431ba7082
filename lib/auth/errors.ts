/**
 * Errors of the authorization layer. The wrappers of lib/auth/access.ts map them to HTTP
 * statuses (401, 403, 404); server actions let them propagate (Next hides their message from
 * the client in production and shows the nearest error boundary).
 */

/** No signed-in user (maps to 401). */
export class UnauthorizedError extends Error {
  constructor(message = "unauthorized") {
    super(message);
    this.name = "UnauthorizedError";
  }
}

/**
 * The resource does not exist OR the actor may not see it; the two are deliberately
 * indistinguishable, so another tenant's ids cannot be probed (maps to 404).
 */
export class NotFoundError extends Error {
  constructor(message = "not found") {
    super(message);
    this.name = "NotFoundError";
  }
}

/**
 * The actor can see the merchant but its role does not allow this operation (maps to 403),
 * e.g. a merchant_viewer attempting an owner-only change. Only use it where the merchant is
 * already visible to the actor; otherwise use NotFoundError.
 */
export class ForbiddenError extends Error {
  constructor(message = "forbidden") {
    super(message);
    this.name = "ForbiddenError";
  }
}
