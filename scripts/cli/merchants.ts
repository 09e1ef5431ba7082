import { getDatabase } from "@/db/client";
import { listMerchants } from "@/lib/ingest";
import { JSON_OPTION, parseOptions, table, type Command } from "./shared";

/** `merchants`: every merchant (bank-wide list, owner connection). */
export const merchantsCommand: Command = {
  usage: "merchants [--json]",
  summary: "every merchant with its MCC, currency, time zone and transaction count",
  async run(args, io) {
    const v = parseOptions(args, JSON_OPTION);
    const database = await getDatabase();
    const list = (await listMerchants(database)).map((m) => ({ slug: m.slug, name: m.name, mcc: m.mcc, currency: m.currency, timeZone: m.timeZone, transactions: m.transactions }));
    if (v.json) {
      io.out(JSON.stringify(list, null, 2));
      return;
    }
    io.out(
      table([
        ["slug", "name", "MCC", "currency", "time zone", "transactions"],
        ...list.map((m) => [m.slug, m.name, m.mcc, m.currency, m.timeZone, String(m.transactions)]),
      ]),
    );
  },
};
