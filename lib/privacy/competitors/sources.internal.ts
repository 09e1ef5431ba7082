import type { Executor } from "@/db/client";
import { resolvePeerGroup, type PeerGroup } from "../peerGroups";
import type { DayPeriod } from "../periods";
import { categoryFigures, loadCategoryBase, type CategoryCounts } from "./categoryFigures.internal";
import { dailyNet, memberFigures, monthlyCustomers, type DailyRow, type MemberFigures } from "./members.internal";
import { categoryRange, type ReportWindows } from "./windows";

/**
 * Where {@link buildCompetitorReport} reads its inputs (internal to lib/privacy): straight from
 * the rollups for one request ({@link liveSources}), or loaded once and shared across the
 * periods and merchants of a batch (lib/privacy/precompute.ts). Every implementation must give
 * the same answers; tests compare the two. NOT GUARDED: the sources hand out the members' own
 * figures; only ./report.ts's buildCompetitorReport turns them into released ones.
 */
export interface ReportSources {
  peerGroup(window: DayPeriod): Promise<PeerGroup>;
  memberFigures(ids: readonly number[], w: ReportWindows): Promise<Map<number, MemberFigures>>;
  dailyNet(ids: readonly number[], window: DayPeriod): Promise<DailyRow[]>;
  monthlyCustomers(ids: readonly number[], window: DayPeriod): Promise<Map<string, number>>;
  category(ids: readonly number[], w: ReportWindows): Promise<CategoryCounts>;
}

/** Sources that query the rollups for each call, for merchant `selfId` on `executor` (the owner connection). */
export function liveSources(executor: Executor, selfId: number): ReportSources {
  return {
    peerGroup: (window) => resolvePeerGroup(executor, selfId, window),
    memberFigures: (ids, w) => memberFigures(executor, ids, w),
    dailyNet: (ids, window) => dailyNet(executor, ids, window),
    monthlyCustomers: (ids, window) => monthlyCustomers(executor, ids, window),
    category: async (ids, w) => categoryFigures(await loadCategoryBase(executor, selfId, ids, categoryRange(w)), new Set(ids), w),
  };
}
