import type { IngestError } from "@/lib/ingest/types";
import { endpointPath, withQuery } from "@/lib/endpoints/keys";
import { ApiError } from "./api";

/*
 * The campaign upload (POST, streamed with upload progress) and the effects CSV link: the two
 * campaign routes that are not view definitions. The list and the report are the `campaigns` and
 * `campaign-report` views (useEndpoint).
 */

/** The URL of the effects CSV ("identifier, action, effect") of a campaign's latest report. */
export function campaignEffectsUrl(slug: string, id: number): string {
  return `${endpointPath("campaigns", slug)}/${id}/effects`;
}

/** What POST /api/m/[slug]/campaigns answers. */
export interface UploadResult {
  import: {
    ok: boolean;
    campaignId: number | null;
    alreadyPresent: boolean;
    rowsRead: number;
    unknownCustomers: number;
    errorCount: number;
    errors: IngestError[];
  };
  /** True when the report was queued: the worker computes it; the report page shows progress. */
  reportQueued: boolean;
}

/**
 * Uploads a campaign file as the raw request body with XMLHttpRequest, whose upload events give
 * the progress bar (fetch has no upload progress in browsers). `onProgress(sent, total)` in bytes;
 * resolves when the server has imported the file and computed the report.
 * @throws ApiError on a non-2xx answer; Error on a network failure or abort
 */
export function uploadCampaign(
  slug: string,
  file: File,
  opts: { name?: string; format?: "campaign" | "hillstrom" },
  onProgress: (sent: number, total: number) => void,
  signal?: AbortSignal,
): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", withQuery(endpointPath("campaigns", slug), { fileName: file.name, name: opts.name, format: opts.format }));
    xhr.setRequestHeader("content-type", "application/octet-stream");
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = xhr.responseText;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as UploadResult);
      else reject(new ApiError(xhr.status, (body as { error?: string })?.error ?? `HTTP ${xhr.status}`, body));
    };
    xhr.onerror = () => reject(new Error("network error"));
    xhr.onabort = () => reject(new Error("aborted"));
    signal?.addEventListener("abort", () => xhr.abort());
    xhr.send(file);
  });
}
