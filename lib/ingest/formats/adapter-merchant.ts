import { sql } from "drizzle-orm";
import { queryRows, type Database, type Executor } from "@/db/client";
import { ensureMerchant, type MerchantSpec } from "../merchants";

/**
 * The single merchant of a real log (Online Retail, CDNOW). It is created inside the merge
 * transaction, so a file that fails creates nothing; until then rows are staged with the id
 * it already has, or 0 on the first load, which the merge rewrites to the new id.
 */
export class AdapterMerchant {
  private constructor(
    readonly spec: MerchantSpec,
    /** Id to stage rows with: the existing merchant's, or 0 when it does not exist yet. */
    readonly stagingId: number,
  ) {}

  static async lookup(database: Database, spec: MerchantSpec): Promise<AdapterMerchant> {
    const [row] = await queryRows<{ id: number }>(database.db, sql`select id from merchants where slug = ${spec.slug}`);
    return new AdapterMerchant(spec, row?.id ?? 0);
  }

  /**
   * Ensures the merchant inside the merge transaction and points the batch's staged rows at it.
   * @throws Error when an existing merchant of that slug has another currency or time zone
   */
  async ensureInMerge(tx: Executor, batchId: number): Promise<void> {
    const merchant = await ensureMerchant(tx, this.spec);
    if (merchant.id !== this.stagingId) {
      await tx.execute(sql`update staging_transactions set merchant_id = ${merchant.id}
                           where batch_id = ${batchId} and merchant_id = ${this.stagingId}`);
    }
  }
}
