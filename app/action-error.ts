import { unstable_rethrow } from "next/navigation";
import { isAppError } from "@/lib/errors";

/**
 * The failed result of a server action: the stable code of what went wrong (an AppError's code,
 * or "internal_error") and a message safe to show (English; forms that translate use the code).
 */
export interface ActionFailure {
  ok: false;
  code: string;
  message: string;
}

/**
 * The server actions' one error mapping (CONVENTIONS.md 15, docs/adr/0010-kernel-and-one-error-base.md),
 * called from an action's catch: an AppError becomes `{ ok: false, code, message }`, so a new
 * AppError subclass needs no change here; Next's redirect()/notFound() are rethrown as the
 * control flow they are; anything else is a bug or an outage: logged under `where` and answered
 * `{ ok: false, code: "internal_error", message: "internal error" }`, never with its own message.
 * Each form then picks the fields its state shows.
 *
 * @param where names the action in the log line, e.g. "team.invite"
 * @throws the error itself when it is Next's control flow
 */
export function actionError(error: unknown, where: string): ActionFailure {
  unstable_rethrow(error);
  if (isAppError(error)) return { ok: false, code: error.code, message: error.message };
  console.error(`[action ${where}] failed`, error);
  return { ok: false, code: "internal_error", message: "internal error" };
}
