import { AppError } from "@/lib/errors";

/** What went wrong with an account operation; also the key the UI translates. */
export type AccountErrorCode =
  | "invalid_input"
  | "ids_span_merchants"
  | "already_onboarded"
  | "currency_or_zone_mismatch"
  | "invitation_invalid"
  | "invitation_expired"
  | "invitation_used"
  | "weak_password"
  | "not_allowed"
  | "not_found";

/** The HTTP status of each account failure (400 bad input, 403, 404, 409 state conflict, 410 gone, 422). */
const STATUS: Readonly<Record<AccountErrorCode, number>> = {
  invalid_input: 400,
  weak_password: 400,
  ids_span_merchants: 422,
  currency_or_zone_mismatch: 422,
  already_onboarded: 409,
  invitation_used: 409,
  invitation_invalid: 404,
  invitation_expired: 410,
  not_allowed: 403,
  not_found: 404,
};

/**
 * An account operation that cannot be done as asked, with a message safe to show the user
 * (English; `code` lets the UI pick its translation). Nothing was written when it is thrown.
 */
export class AccountError extends AppError {
  declare readonly code: AccountErrorCode;

  constructor(code: AccountErrorCode, message: string) {
    super(code, STATUS[code], message);
  }
}
