import { withMerchantRoute } from "@/lib/auth/access";
import { loadSegmentTree } from "@/app/m/[slug]/segments/segment-tree-data";
import { privateJson } from "../query";

/** GET: the latest decision-tree segments (leaf table, tree with conditions in words) and the latest attempt. */
export const GET = withMerchantRoute(async (_req, access) => privateJson(await loadSegmentTree(access)), { feature: "segments" });
