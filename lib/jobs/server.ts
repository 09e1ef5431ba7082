/**
 * Request-bound entry points of the queue for pages (app/ may not import the database). The
 * caller authorizes: /admin/queue is for bank admins only.
 */
import { getDatabase } from "@/db/client";
import { merchantPreparation, preparationStatus, queueStatus } from "./worker";

export const queueAdmin = {
  status: async () => queueStatus(await getDatabase()),
  preparation: async () => preparationStatus(await getDatabase()),
  /** For the merchant's own pages (the caller has resolved access to `merchantId`). */
  merchantPreparation: async (merchantId: number) => merchantPreparation(await getDatabase(), merchantId),
};
