import { describe, expect, it } from "vitest";
import { AppError, errorBody, exitCodeOf, isAppError } from "@/lib/errors";

class PlanLocked extends AppError {
  constructor() {
    super("feature_locked", 403, "feature locked", { feature: "churn", requiredPlan: "pro" });
  }
}

describe("AppError, the one error base", () => {
  it("carries code, status, safe details and its subclass name", () => {
    const e = new PlanLocked();
    expect([e.code, e.status, e.name, e.message]).toEqual(["feature_locked", 403, "PlanLocked", "feature locked"]);
    expect(errorBody(e)).toEqual({ status: 403, body: { error: "feature_locked", message: "feature locked", feature: "churn", requiredPlan: "pro" } });
  });

  it("hides the message of anything else behind a 500", () => {
    expect(errorBody(new Error("password=hunter2"))).toEqual({ status: 500, body: { error: "internal_error" } });
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
