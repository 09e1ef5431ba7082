/**
 * An account operation that cannot be done as asked, with a message safe to show the user
 * (English; `code` lets the UI pick its translation). Nothing was written when it is thrown.
 */
export class AccountError extends Error {
  constructor(
    readonly code:
      | "invalid_input"
      | "ids_span_merchants"
      | "already_onboarded"
      | "currency_or_zone_mismatch"
      | "invitation_invalid"
      | "invitation_expired"
      | "invitation_used"
      | "weak_password"
      | "not_allowed"
      | "not_found",
    message: string,
  ) {
    super(message);
    this.name = "AccountError";
  }
}
