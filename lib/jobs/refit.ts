import { getDatabase, type Database } from "@/db/client";
import type { ModelKind } from "@/db/schema/models";
import { getModelRunAttempts, readModelResults, type ResultsByKind } from "@/lib/analytics/getModelResults";
import type { ModelRunAttempt } from "@/lib/runs/contract";
import type { AnalyticsContext, MerchantRef } from "@/lib/tenancy/context";
import { requestModelRefit } from "./outbox";

/*
 * A model page's data with "refit needed" handled (docs/adr/0011-run-contracts.md): the latest
 * run of a kind, parsed with its contract and with words for its codes, and the latest attempt.
 * When the latest succeeded run was stored in an older contract format (or no longer parses) and
 * nothing was attempted since, the page gets no run, an attempt marked `refitNeeded` (it shows
 * "being prepared"), and a refit of that kind is queued for the merchant. The scoped read is
 * read-only, so the request is written afterwards on the owner connection.
 */

/** What a merchant's read needs: the merchant and a way into its read-only scope (MerchantAccess fits). */
export interface ModelRunScope {
  merchant: MerchantRef;
  run<T>(fn: (ctx: AnalyticsContext) => Promise<T>): Promise<T>;
}

/** A model page: the run to show (null: none yet, or being prepared) and the latest attempt. */
export interface ModelRunPage<R> {
  run: R | null;
  /** The latest attempt of the kind, succeeded or failed; null when none was ever made. */
  latestAttempt: ModelRunAttempt | null;
}

/** Queues a refit of one kind for one merchant; the one place a job queue will replace. */
export type RefitRequester = (merchantId: number, kind: ModelKind, reason: string) => Promise<void>;

/** The default requester: lib/jobs/outbox.ts requestModelRefit on `database` (default: the process database). */
export function outboxRefitRequester(database?: Database): RefitRequester {
  return async (merchantId, kind, reason) => requestModelRefit((database ?? (await getDatabase())).db, merchantId, [kind], reason);
}

/**
 * Loads a model page (see the module comment).
 *
 * @param more      extra reads in the same scoped transaction, given the run (e.g. the forecast's history)
 * @param requester how to queue a refit (default: the model-job outbox of the process database);
 *                  a failure to queue is logged, the page still answers
 * @throws whatever the scoped read throws (the transaction is rolled back)
 */
export async function loadModelRunPage<K extends ModelKind, X extends object = Record<never, never>>(
  scope: ModelRunScope,
  kind: K,
  opts: { more?: (ctx: AnalyticsContext, run: ResultsByKind[K] | null) => Promise<X>; requester?: RefitRequester } = {},
): Promise<ModelRunPage<ResultsByKind[K]> & X> {
  const { read, attempt, extra } = await scope.run(async (ctx) => {
    const read = await readModelResults(ctx, kind);
    const attempt = (await getModelRunAttempts(ctx))[kind];
    const extra = opts.more ? await opts.more(ctx, read.run) : ({} as X);
    return { read, attempt, extra };
  });
  let latestAttempt = attempt;
  // Nothing attempted since the unreadable run: show "being prepared" and queue the refit. A run
  // of a newer format (written by newer code during a rolling deploy) is not refitted by old code.
  if (read.status === "refit" && attempt !== null && attempt.id === read.runId) {
    latestAttempt = { ...attempt, refitNeeded: true };
    if (read.reason.cause !== "newer") {
      try {
        await (opts.requester ?? outboxRefitRequester())(scope.merchant.id, kind, `refit: ${read.reason.message}`);
      } catch (err) {
        console.error(`could not queue a ${kind} refit for merchant ${scope.merchant.id}:`, err);
      }
    }
  }
  return { ...extra, run: read.run, latestAttempt };
}
