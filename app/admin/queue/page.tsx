import { getFormatter, getTranslations } from "next-intl/server";
import { requireBankPage } from "@/lib/auth/access";
import { queueAdmin } from "@/lib/jobs/server";
import { Card } from "@/components/Card";
import { PageTitle } from "@/components/dashboard/PageTitle";

export const dynamic = "force-dynamic";

/** The job queue for the bank admin: per queue waiting/running/failed and last durations, the failed jobs, merchants being prepared. */
export default async function QueuePage() {
  await requireBankPage(["bank_admin"]);
  const t = await getTranslations("admin.queue");
  const format = await getFormatter();
  const [{ queues, failed }, prep] = await Promise.all([queueAdmin.status(), queueAdmin.preparation()]);
  return (
    <>
      <PageTitle title={t("title")} subtitle={t("subtitle")} />
      <Card title={t("title")}>
        <div className="table-scroll">
          <table className="table" data-testid="queue-table">
            <thead>
              <tr>
                <th>{t("queue")}</th>
                <th>{t("waiting")}</th>
                <th>{t("retrying")}</th>
                <th>{t("running")}</th>
                <th>{t("failed")}</th>
                <th>{t("completed")}</th>
                <th>{t("durations")}</th>
              </tr>
            </thead>
            <tbody>
              {queues.map((q) => (
                <tr key={q.name} data-testid="queue-row" data-queue={q.name}>
                  <td>{q.name}</td>
                  <td>{q.waiting}</td>
                  <td>{q.retrying}</td>
                  <td>{q.running}</td>
                  <td>{q.failed}</td>
                  <td>{q.completed}</td>
                  <td>{q.lastDurations.length ? q.lastDurations.map((s) => t("seconds", { value: s })).join(", ") : t("none")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      <Card title={t("preparing")} subtitle={t("overall", { ready: prep.ready, merchants: prep.merchants })}>
        {prep.pending.length === 0 ? (
          <p className="muted">{t("preparingEmpty")}</p>
        ) : (
          <ul data-testid="queue-preparing">
            {prep.pending.map((p) => (
              <li key={p.merchantId}>{t("merchantProgress", { name: p.name, done: p.done, of: p.of, running: String(p.running) })}</li>
            ))}
          </ul>
        )}
      </Card>
      <Card title={t("failedTitle")}>
        {failed.length === 0 ? (
          <p className="muted">{t("failedEmpty")}</p>
        ) : (
          <ul data-testid="queue-failed">
            {failed.map((f) => (
              <li key={f.id}>
                {t("failedRow", { queue: f.queue, retries: f.retries, when: format.dateTime(f.failedAt, { dateStyle: "short", timeStyle: "medium" }) })}: <code>{f.error}</code>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}
