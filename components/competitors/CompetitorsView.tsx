"use client";

import { useLocale, useTranslations } from "next-intl";
import { useMemo } from "react";
import type { Period } from "@/lib/days";
import {
  buildIndexOption,
  buildShareOfWalletOption,
  buildSwitchingOption,
  formatBenchmark,
  bandPosition,
} from "@/lib/charts/competitors";
import { formatPeriod } from "@/lib/format";
import type { Benchmark, CompetitorReport } from "@/lib/privacy/competitors";
import type { Withheld } from "@/lib/privacy/guard";
import type { PeerGroupInfo } from "@/lib/privacy/peerGroups";
import { Card } from "../Card";
import { EChart } from "../charts/EChart";
import { useChartFormat } from "../charts/useChartFormat";
import { useEndpoint } from "../hooks/useEndpoint";
import { useMerchant } from "../shell/MerchantContext";
import { ErrorState, LoadingState } from "../states";
import styles from "./competitors.module.css";

/** The Competitors tab: peer group, benchmarks, revenue index, cross-shopping, share of wallet, switching. */
export function CompetitorsView({ period }: { period: Period }) {
  const { slug } = useMerchant();
  const query = useEndpoint("competitors", slug, period);
  if (query.isPending) {
    return (
      <>
        <LoadingState height={120} />
        <LoadingState height={260} />
        <LoadingState height={320} />
      </>
    );
  }
  if (query.error || !query.data) {
    return (
      <Card>
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      </Card>
    );
  }
  const r = query.data;
  return (
    <>
      <GroupCard group={r.peerGroup} />
      <BenchmarksCard benchmarks={r.benchmarks} />
      <IndexCard report={r} />
      <div className="grid grid-2">
        <CrossShoppingCard report={r} />
        <SwitchingCard report={r} />
      </div>
      <WalletCard report={r} />
    </>
  );
}

/** "Withheld: one peer would contribute more than 25 %" with the peer count (a rule and a count, never a share). */
function WithheldNote({ withheld, testId }: { withheld: Withheld; testId?: string }) {
  const t = useTranslations("competitors");
  return (
    <p className={styles.withheld} data-testid={testId ?? "withheld"} data-rule={withheld.rule}>
      {t("withheld", { rule: t(`rule.${withheld.rule}`) })}
      {withheld.peers > 0 ? ` (${t("group.peers", { count: withheld.peers })})` : ""}
    </p>
  );
}

function GroupCard({ group }: { group: PeerGroupInfo }) {
  const t = useTranslations("competitors.group");
  const tr = useTranslations("competitors.rule");
  const locale = useLocale();
  const levelText = (level: NonNullable<PeerGroupInfo["level"]>) =>
    t(`level.${level}`, { mcc: group.mcc, region: group.region ?? "—", group: group.mccGroup });
  const failed = group.attempts.filter((a) => !a.passed);
  return (
    <Card title={t("title")} data-testid="peer-group">
      {group.level ? (
        <>
          <p className={styles.big} data-testid="peer-count" data-peers={group.peers}>
            {t("peers", { count: group.peers })}
          </p>
          <p data-testid="peer-level" data-level={group.level}>
            {levelText(group.level)}
          </p>
          <p className={styles.label}>
            {t("window", { window: formatPeriod(group.window, locale) })}
          </p>
        </>
      ) : (
        <>
          <p className={styles.big}>{t("withheldTitle")}</p>
          {group.withheld ? <WithheldNote withheld={group.withheld} testId="peer-group-withheld" /> : null}
        </>
      )}
      {failed.length > 0 ? (
        <>
          <p className={styles.label}>{t("widened")}</p>
          <ul className={styles.attempts} data-testid="peer-attempts">
            {failed.map((a) => (
              <li key={a.level}>
                {t("attempt", { level: levelText(a.level), peers: a.peers, rule: a.rule ? tr(a.rule) : "" })}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p className={styles.label}>{t("fixed")}</p>
    </Card>
  );
}

function BenchmarksCard({ benchmarks }: { benchmarks: Benchmark[] }) {
  const t = useTranslations("competitors.benchmarks");
  return (
    <Card title={t("title")} subtitle={t("subtitle")}>
      <div className={styles.benchmarks}>
        {benchmarks.map((b) => (
          <BenchmarkTile key={b.key} benchmark={b} />
        ))}
      </div>
    </Card>
  );
}

function BenchmarkTile({ benchmark: b }: { benchmark: Benchmark }) {
  const t = useTranslations("competitors.benchmarks");
  const format = useChartFormat();
  const f = (x: number | null) => formatBenchmark(b.key, x, format);
  const position = b.peers.released ? bandPosition(b.peers.value.band) : null;
  return (
    <div className={`card ${styles.benchmark}`} data-testid={`benchmark-${b.key}`}>
      <span className={styles.label}>{t(`key.${b.key}`)}</span>
      <span className={styles.own} data-testid="benchmark-own">
        {f(b.own)}
      </span>
      {b.peers.released ? (
        <>
          <div
            className={styles.gauge}
            role="meter"
            aria-label={t("rank")}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={position ?? undefined}
          >
            <span className={styles.band} />
            <span className={styles.medianTick} />
            {position !== null ? <span className={styles.marker} style={{ left: `${position}%` }} /> : null}
          </div>
          <dl className={styles.figures}>
            <dt>{t("median")}</dt>
            <dd data-testid="benchmark-median">{f(b.peers.value.median)}</dd>
            <dt>{t("range")}</dt>
            <dd data-testid="benchmark-range">
              {f(b.peers.value.p25)} – {f(b.peers.value.p75)}
            </dd>
            <dt>{t("rank")}</dt>
            <dd data-testid="benchmark-rank">
              {b.peers.value.band === null ? "—" : t(`band.${b.peers.value.band}`)}
            </dd>
          </dl>
        </>
      ) : (
        <WithheldNote withheld={b.peers.withheld} />
      )}
    </div>
  );
}

function IndexCard({ report }: { report: CompetitorReport }) {
  const t = useTranslations("competitors.index");
  const format = useChartFormat();
  const index = report.index;
  const option = useMemo(
    () => (index.released ? buildIndexOption(index.value.points, { merchant: t("merchant"), peers: t("peers") }, format) : null),
    [index, format, t],
  );
  return (
    <Card
      title={t("title")}
      subtitle={index.released ? t("subtitle", { month: format.month(index.value.baseMonth) }) : undefined}
      data-testid="competitor-index"
    >
      {index.released && option ? (
        <EChart option={option} height={300} ariaLabel={t("chartLabel")} data-testid="competitor-index-chart" />
      ) : !index.released ? (
        <WithheldNote withheld={index.withheld} />
      ) : null}
      {report.correlation.released ? (
        <p className={styles.label} data-testid="competitor-correlation">
          {t("correlation", { r: format.number(report.correlation.value.r, 2), weeks: report.correlation.value.weeks })}
        </p>
      ) : null}
    </Card>
  );
}

function CrossShoppingCard({ report }: { report: CompetitorReport }) {
  const t = useTranslations("competitors.cross");
  const format = useChartFormat();
  const c = report.crossShopping;
  return (
    <Card title={t("title")} subtitle={t("subtitle")} data-testid="cross-shopping">
      {c.released ? (
        <>
          <p className={styles.big} data-testid="cross-shopping-share">
            {t("share", { share: format.percent(c.value.share) })}
          </p>
          <p className={styles.label}>
            {t("detail", { also: format.number(c.value.alsoAtPeers), customers: format.number(c.value.customers) })}
          </p>
        </>
      ) : (
        <WithheldNote withheld={c.withheld} />
      )}
    </Card>
  );
}

function SwitchingCard({ report }: { report: CompetitorReport }) {
  const t = useTranslations("competitors.switching");
  const tc = useTranslations("competitors");
  const locale = useLocale();
  const format = useChartFormat();
  const s = report.switching;
  const option = useMemo(() => {
    if (!s.released) return null;
    return buildSwitchingOption(
      {
        toPeers: s.value.toPeers.released ? s.value.toPeers.value : null,
        fromPeers: s.value.fromPeers.released ? s.value.fromPeers.value : null,
        stayedHere: s.value.stayedHere,
      },
      {
        toPeers: t("toPeers"),
        fromPeers: t("fromPeers"),
        stayedHere: t("stayedHere"),
        customers: t("customers"),
        amount: t("amount"),
        withheld: tc("withheldShort"),
      },
      format,
    );
  }, [s, t, tc, format]);
  return (
    <Card
      title={t("title")}
      subtitle={t("subtitle", { from: formatPeriod(report.previousPeriod, locale), to: formatPeriod(report.period, locale) })}
      data-testid="switching"
    >
      {s.released && option ? (
        <>
          <EChart option={option} height={180} ariaLabel={t("chartLabel")} data-testid="switching-chart" />
          {!s.value.toPeers.released ? <WithheldNote withheld={s.value.toPeers.withheld} testId="switching-to-withheld" /> : null}
          {!s.value.fromPeers.released ? <WithheldNote withheld={s.value.fromPeers.withheld} testId="switching-from-withheld" /> : null}
        </>
      ) : !s.released ? (
        <WithheldNote withheld={s.withheld} />
      ) : null}
    </Card>
  );
}

function WalletCard({ report }: { report: CompetitorReport }) {
  const t = useTranslations("competitors.wallet");
  const format = useChartFormat();
  const w = report.shareOfWallet;
  const option = useMemo(() => (w.released ? buildShareOfWalletOption(w.value, t("label"), format) : null), [w, t, format]);
  const withheldMonths = w.released ? w.value.filter((p) => p.withheld) : [];
  return (
    <Card title={t("title")} subtitle={t("subtitle")} data-testid="share-of-wallet">
      {w.released && option ? (
        <>
          <EChart option={option} height={260} ariaLabel={t("chartLabel")} data-testid="share-of-wallet-chart" />
          {withheldMonths.length > 0 ? (
            <p className={styles.label} data-testid="share-of-wallet-withheld">
              {t("withheldMonths", { count: withheldMonths.length })}
            </p>
          ) : null}
        </>
      ) : !w.released ? (
        <WithheldNote withheld={w.withheld} />
      ) : null}
    </Card>
  );
}
