import { useQuery } from "@tanstack/react-query";
import type { CampaignListItem, CampaignReportView } from "@/lib/campaigns/queries";
import type { IngestError } from "@/lib/ingest/types";
import { ApiError, apiGet, buildUrl } from "./api";
import { merchantApi } from "./keys";

export type { CampaignListItem, CampaignReportView };

/** Query keys of the Campaigns section. */
export const campaignsKey = (slug: string) => ["merchant:campaigns", slug] as const;
export const campaignReportKey = (slug: string, id: number) => ["merchant:campaign-report", slug, { id }] as const;

/** GET /api/m/[slug]/campaigns: the merchant's campaigns. */
export function useCampaigns(slug: string) {
  return useQuery({
    queryKey: campaignsKey(slug),
    queryFn: ({ signal }) => apiGet<CampaignListItem[]>(merchantApi(slug, "campaigns"), {}, signal),
  });
}

/** GET /api/m/[slug]/campaigns/[id]: the campaign's latest report. */
export function useCampaignReport(slug: string, id: number) {
  return useQuery({
    queryKey: campaignReportKey(slug, id),
    queryFn: ({ signal }) => apiGet<CampaignReportView>(merchantApi(slug, `campaigns/${id}`), {}, signal),
  });
}

/** The URL of the effects CSV ("identifier, action, effect") of a campaign's latest report. */
export function campaignEffectsUrl(slug: string, id: number): string {
  return merchantApi(slug, `campaigns/${id}/effects`);
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
  report: { id: number; version: number; status: "succeeded" | "failed"; error: string | null } | null;
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
    xhr.open("POST", buildUrl(merchantApi(slug, "campaigns"), { fileName: file.name, name: opts.name, format: opts.format }));
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
