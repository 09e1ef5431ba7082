import { describe, expect, it } from "vitest";
import { redirect } from "next/navigation";
import { z } from "zod";
import { AppError, errorBody, errorWords, exitCodeOf, isAppError } from "@/lib/errors";
import { actionError } from "@/app/action-error";
import { CliError, reportCliError } from "@/scripts/cli-errors";
import { ForbiddenError, NotFoundError, UnauthorizedError } from "@/lib/auth/errors";
import { BillingError, FeatureLockedError } from "@/lib/billing/errors";
import { AccountError } from "@/lib/accounts/errors";
import { DuplicateEmailError } from "@/lib/auth/users";
import { LoginLockedError } from "@/lib/auth/lockout";
import { PasswordPolicyError } from "@/lib/auth/password";
import { ModelInputError } from "@/lib/jobs/errors";
import { ForecastInputError } from "@/lib/forecast/model";
import { CorruptFileError, MalformedCsvError } from "@/lib/ingest/read";
import { UploadTooLargeError, MAX_UPLOAD_BYTES } from "@/lib/campaigns";

class PlanLocked extends AppError {
  constructor() {
    super("feature_locked", 403, "feature locked", { feature: "churn", requiredPlan: "pro" });
  }
}

describe("AppError, the one error base", () => {
  it("carries code, status, safe details and its subclass name", () => {
    const e = new PlanLocked();
    expect([e.code, e.status, e.name, e.message]).toEqual(["feature_locked", 403, "PlanLocked", "feature locked"]);
    // The HTTP body names the code in words, as the API has always answered; the message stays out.
    expect(errorBody(e)).toEqual({ status: 403, body: { error: "feature locked", feature: "churn", requiredPlan: "pro" }, expected: true });
  });

  it("hides the message of anything else behind a 500", () => {
    expect(errorBody(new Error("password=hunter2"))).toEqual({ status: 500, body: { error: "internal error" }, expected: false });
    expect(isAppError(new Error("x"))).toBe(false);
  });

  it("maps to CLI exit codes: 2 input, 3 permission or plan, 1 other", () => {
    expect(exitCodeOf(new AppError("invalid_input", 400, "bad"))).toBe(2);
    expect(exitCodeOf(new AppError("not_found", 404, "none"))).toBe(2);
    expect(exitCodeOf(new PlanLocked())).toBe(3);
    expect(exitCodeOf(new AppError("smtp_down", 503, "down"))).toBe(1);
    expect(exitCodeOf(new TypeError("bug"))).toBe(1);
  });
});

describe("every error class extends AppError with a stable code and status", () => {
  const cases: Array<[AppError, string, number, Record<string, unknown>]> = [
    [new UnauthorizedError(), "unauthorized", 401, { error: "unauthorized" }],
    [new NotFoundError(), "not_found", 404, { error: "not found" }],
    [new ForbiddenError(), "forbidden", 403, { error: "forbidden" }],
    [new FeatureLockedError("churn", "pro"), "feature_locked", 403, { error: "feature locked", feature: "churn", requiredPlan: "pro" }],
    [new BillingError("Stripe is not configured"), "billing_unavailable", 409, { error: "billing unavailable" }],
    [new AccountError("invitation_expired", "expired"), "invitation_expired", 410, { error: "invitation expired" }],
    [new AccountError("not_allowed", "only bank staff"), "not_allowed", 403, { error: "not allowed" }],
    [new DuplicateEmailError("a@b.c"), "duplicate_email", 409, { error: "duplicate email" }],
    [new LoginLockedError(900), "login_locked", 429, { error: "login locked", retryAfterSeconds: 900 }],
    [new PasswordPolicyError(["too short"]), "weak_password", 400, { error: "weak password" }],
    [new ModelInputError("too few customers"), "model_input", 422, { error: "model input" }],
    [new ForecastInputError("too short"), "forecast_input", 422, { error: "forecast input" }],
    [new CorruptFileError(), "corrupt_file", 400, { error: "corrupt file" }],
    [new MalformedCsvError("unclosed quote", 7), "malformed_csv", 400, { error: "malformed csv", line: 7 }],
    [new UploadTooLargeError(), "upload_too_large", 413, { error: "upload too large", maxBytes: MAX_UPLOAD_BYTES }],
  ];

  it.each(cases)("%s → code, status and route body", (error, code, status, body) => {
    expect(error).toBeInstanceOf(AppError);
    expect(isAppError(error)).toBe(true);
    expect([error.code, error.status]).toEqual([code, status]);
    expect(errorBody(error)).toEqual({ status, body, expected: true });
  });

  it("keeps the messages and fields callers read", () => {
    expect(new ForbiddenError().message).toBe("forbidden");
    expect(new FeatureLockedError("exports", "business")).toMatchObject({ feature: "exports", requiredPlan: "business", message: "feature locked: exports needs the business plan" });
    expect(new MalformedCsvError("x", 3).line).toBe(3);
    expect(new LoginLockedError(60).retryAfterSeconds).toBe(60);
    expect(new PasswordPolicyError(["a", "b"]).problems).toEqual(["a", "b"]);
  });

  it("answers a zod error 400 with its issues", () => {
    const parsed = z.object({ days: z.number() }).safeParse({ days: "x" });
    expect(parsed.success).toBe(false);
    const { status, body } = errorBody(parsed.error);
    expect(status).toBe(400);
    expect(body).toEqual({ error: "invalid request", issues: parsed.error?.issues });
    expect(errorWords("a_b_c")).toBe("a b c");
  });
});

describe("a new AppError subclass is mapped on every surface without touching a mapper", () => {
  class QuotaExceededError extends AppError {
    constructor() {
      super("quota_exceeded", 429, "the daily export quota is used up", { limit: 10 });
    }
  }

  it("routes answer its status and body", () => {
    expect(errorBody(new QuotaExceededError())).toEqual({ status: 429, body: { error: "quota exceeded", limit: 10 }, expected: true });
  });

  it("server actions rethrow Next's redirect() as the control flow it is", () => {
    let control: unknown;
    try {
      redirect("/login");
    } catch (e) {
      control = e;
    }
    expect(() => actionError(control, "test")).toThrow(/NEXT_REDIRECT/);
  });

  it("server actions return its code and message; other errors become a generic failure", () => {
    expect(actionError(new QuotaExceededError(), "test")).toEqual({ ok: false, code: "quota_exceeded", message: "the daily export quota is used up" });
    const quiet = console.error;
    console.error = () => {};
    try {
      expect(actionError(new Error("db password=x"), "test")).toEqual({ ok: false, code: "internal_error", message: "internal error" });
    } finally {
      console.error = quiet;
    }
  });

  it("the CLI prints its message and exits by its status", () => {
    const lines: string[] = [];
    expect(reportCliError(new QuotaExceededError(), (l) => lines.push(l))).toBe(2);
    expect(reportCliError(new FeatureLockedError("churn", "pro"), (l) => lines.push(l))).toBe(3);
    expect(reportCliError(new CliError("some reports could not be stored", 1), (l) => lines.push(l))).toBe(1);
    expect(reportCliError(new TypeError("bug"), (l) => lines.push(l))).toBe(1);
    expect(lines[0]).toBe("error: the daily export quota is used up");
  });
});
