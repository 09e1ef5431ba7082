import { getDatabase } from "@/db/client";
import { resumeInterruptedReports } from "@/lib/campaigns";
import { sweepCrashDebris } from "@/lib/ingest";
import { JSON_OPTION, parseOptions, type Command } from "./shared";

/**
 * `sweep`: removes crash debris (unfinished batches, staging rows, upload folders;
 * lib/ingest/sweep.ts) and resumes campaign reports a crash interrupted (lib/campaigns/store.ts).
 */
export const sweepCommand: Command = {
  usage: "sweep [--json]",
  summary: "removes what crashed loads and uploads left behind (idempotent; never a live run's)",
  async run(args, io) {
    const v = parseOptions(args, JSON_OPTION);
    const database = await getDatabase();
    const report = { ...(await sweepCrashDebris(database)), campaignReportsResumed: await resumeInterruptedReports(database) };
    if (v.json) {
      io.out(JSON.stringify(report, null, 2));
      return;
    }
    io.out(
      report.ran
        ? `removed ${report.batchesRemoved.length} unfinished batch(es), ${report.orphanStagingRows} orphan staging row(s), ${report.tempDirsRemoved.length} upload folder(s); resumed ${report.campaignReportsResumed.length} campaign report(s)`
        : "another sweep is running; nothing done",
    );
  },
};
