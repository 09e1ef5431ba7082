import { AppError } from "@/lib/errors";

/**
 * A model cannot run on this merchant's data as it is (too few customers, no repeat purchases,
 * not enough history for the holdout, …): 422, code "model_input". The job records a failed run
 * with this message, which the page shows as the reason; other errors are recorded the same way
 * but are bugs or outages.
 */
export class ModelInputError extends AppError {
  constructor(message: string) {
    super("model_input", 422, message);
  }
}
