/**
 * The one fetch wrapper of the UI (convention 8): GET a JSON API route with query parameters,
 * throw an {@link ApiError} carrying the HTTP status when the answer is not 2xx. Hooks decide
 * what to show per status (401 -> sign in again, 404 -> not found, else a retryable error).
 */
export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, message: string, body: unknown) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.body = body;
  }
}

/**
 * GETs a JSON API route and returns its body as `unknown`: the caller knows what it asked for
 * (useEndpoint types it from the view's definition); nothing here pretends to check a shape.
 * @throws ApiError on a non-2xx answer (status and body kept)
 */
export async function getJson(url: string, signal?: AbortSignal): Promise<unknown> {
  const response = await fetch(url, {
    method: "GET",
    headers: { accept: "application/json" },
    credentials: "same-origin",
    signal,
  });
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  if (!response.ok) {
    const message =
      body && typeof body === "object" && "error" in body && typeof (body as { error: unknown }).error === "string"
        ? (body as { error: string }).error
        : response.statusText || `HTTP ${response.status}`;
    throw new ApiError(response.status, message, body);
  }
  return body;
}

/** Retries transient failures only: never a 4xx (the request itself is wrong or not allowed). */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failureCount < 2;
}

/** The staleTime of every dashboard query: rollups change only when an ingest runs. */
export const STALE_TIME_MS = 60_000;
