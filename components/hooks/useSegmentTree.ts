import { useQuery } from "@tanstack/react-query";
import type { SegmentTreePage } from "../segments/types";
import { apiGet } from "./api";
import { merchantApi } from "./keys";

/** The query key of the segments page (the latest run, not period-bound). */
export const segmentTreeKey = (slug: string) => ["merchant:segment-tree", slug] as const;

/** GET /api/m/[slug]/segment-tree: the latest decision-tree segments (leaf table and tree). */
export function useSegmentTree(slug: string) {
  return useQuery({
    queryKey: segmentTreeKey(slug),
    queryFn: ({ signal }) => apiGet<SegmentTreePage>(merchantApi(slug, "segment-tree"), {}, signal),
  });
}
