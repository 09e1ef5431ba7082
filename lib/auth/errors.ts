/*
 * The authorization layer's errors. They are kernel error kinds (lib/errors), so rooms below
 * lib/auth (billing, accounts) can throw them without importing lib/auth; this module names
 * them for the layer that decides who may see what.
 */
export { ForbiddenError, NotFoundError, UnauthorizedError } from "@/lib/errors";
