import { getDatabase } from "@/db/client";
import { isoDaySchema } from "@/lib/days";
import { queueWeeklyDigests } from "@/lib/jobs/digest";
import { CliError } from "../cli-errors";
import { JSON_OPTION, parseOptions, type Command } from "./shared";

/** `digest`: queues this week's findings digest per user in the e-mail outbox. */
export const digestCommand: Command = {
  usage: "digest [--as-of YYYY-MM-DD] [--base-url URL] [--json]",
  summary: "queues this week's findings digest per user (merchant users and relationship managers) in the e-mail outbox",
  async run(args, io) {
    const v = parseOptions(args, { "as-of": { type: "string" }, "base-url": { type: "string" }, ...JSON_OPTION });
    if (v["as-of"] !== undefined && !isoDaySchema.safeParse(v["as-of"]).success) throw new CliError(`--as-of must be YYYY-MM-DD: ${v["as-of"]}`);
    const database = await getDatabase();
    const result = await queueWeeklyDigests(database, { asOf: v["as-of"], baseUrl: v["base-url"] });
    if (v.json) {
      io.out(JSON.stringify(result, null, 2));
      return;
    }
    io.out(`queued ${result.queued} digest(s) for the week ending ${result.asOf}`);
    for (const d of result.digests) io.out(`  ${d.to}  ${d.subject}  (${d.findings} findings)`);
  },
};
