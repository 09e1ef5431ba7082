"use client";

import { useLocale, useTranslations } from "next-intl";
import { useMemo } from "react";
import { buildSegmentTreeOption, segmentTreeHeight, type SegmentTreeNodeInput } from "@/lib/charts/buildSegmentTreeOption";
import { formatMoney, formatNumber, formatPercent, formatPeriod } from "@/lib/format";
import { Card } from "../Card";
import { DataTable, type Column } from "../DataTable";
import { useChartFormat } from "../charts/useChartFormat";
import { useEndpoint } from "../hooks/useEndpoint";
import { useMerchant } from "../shell/MerchantContext";
import { EmptyState } from "../states";
import { FailedAttemptNote, ModelError, ModelLoading, NoRunYet, RunLine } from "../value/ModelParts";
import styles from "../value/model.module.css";
import { SegmentTreeChart } from "./SegmentTreeChart";
import type { SegmentTableRow, SegmentTreeRunView } from "./types";
import { uiLocale } from "@/lib/i18n/translator";

/** The Segments tab: one row per leaf of the revenue tree (profile → revenue), and the tree. */
export function SegmentsView() {
  const { slug } = useMerchant();
  const query = useEndpoint("segment-tree", slug, {});
  if (query.isPending) return <ModelLoading blocks={[360, 420]} />;
  if (query.error || !query.data) return <ModelError error={query.error} onRetry={() => query.refetch()} />;
  const { run, latestAttempt } = query.data;
  if (!run) return <NoRunYet ns="segments" attempt={latestAttempt} />;
  return (
    <>
      <RunLine ns="segments" run={run} />
      <FailedAttemptNote ns="segments" attempt={latestAttempt} shownRunId={run.id} />
      <LeafTableCard run={run} />
      <TreeCard run={run} />
    </>
  );
}

function LeafTableCard({ run }: { run: SegmentTreeRunView }) {
  const t = useTranslations("segments.table");
  const locale = useLocale();
  const lang = uiLocale(locale);
  const { currency } = useMerchant();
  const rows = useMemo(() => [...run.table].sort((a, b) => b.revenueMinor - a.revenueMinor || a.leafId - b.leafId), [run.table]);
  const money = (minor: number | null) => formatMoney(minor, currency, locale);
  const columns: Column<SegmentTableRow>[] = [
    { key: "profile", header: t("profile"), className: styles.profile, cell: (row) => row.profile[lang] },
    { key: "customers", header: t("customers"), numeric: true, cell: (row) => formatNumber(row.customers, locale) },
    { key: "revenue", header: t("revenue"), numeric: true, cell: (row) => money(row.revenueMinor) },
    { key: "share", header: t("share"), numeric: true, cell: (row) => formatPercent(row.shareOfRevenue, locale) },
    { key: "check", header: t("averageCheck"), numeric: true, cell: (row) => money(row.averageCheckMinor) },
    { key: "perCustomer", header: t("perCustomer"), numeric: true, cell: (row) => money(row.meanRevenuePerCustomerMinor) },
  ];
  return (
    <Card
      title={t("title")}
      subtitle={t("subtitle", { period: formatPeriod(run.period, locale), customers: run.customers })}
      data-testid="segment-table-card"
    >
      {rows.length === 0 ? (
        <div data-testid="segment-tree-table">
          <EmptyState title={t("empty")} />
        </div>
      ) : (
        <>
          {rows.length === 1 ? <p className="notice">{t("noSplit")}</p> : null}
          <DataTable
            columns={columns}
            rows={rows}
            rowKey={(row) => String(row.leafId)}
            caption={t("title")}
            rowProps={(row) => ({ "data-leaf": String(row.leafId) })}
            data-testid="segment-tree-table"
          />
        </>
      )}
    </Card>
  );
}

function TreeCard({ run }: { run: SegmentTreeRunView }) {
  const t = useTranslations("segments.tree");
  const locale = useLocale();
  const lang = uiLocale(locale);
  const format = useChartFormat();
  const nodes: SegmentTreeNodeInput[] = useMemo(
    () =>
      run.nodes.map((n) => ({
        id: n.id,
        samples: n.samples,
        value: n.valueMinor,
        left: n.left,
        right: n.right,
        condition: n.condition ? n.condition[lang] : null,
      })),
    [run.nodes, lang],
  );
  const option = useMemo(
    () =>
      buildSegmentTreeOption(
        nodes,
        {
          root: t("root"),
          perCustomer: (money) => t("perCustomer", { money }),
          customers: (count) => t("customersCount", { count }),
          meanRevenue: t("meanRevenue"),
          customersLabel: t("customers"),
          share: t("share"),
        },
        format,
      ),
    [nodes, format, t],
  );
  const splitsOnAge = run.nodes.some((n) => n.splitFeature === "age");
  // No leaf has a known age: the bank holds no attributes for these customers (a merchant
  // loaded from its own sales file), so the tree can only split on purchase behaviour.
  const noAttributes = run.table.length > 0 && run.table.every((r) => r.ageUnknown === "all");
  return (
    <Card title={t("title")} subtitle={t("subtitle")} data-testid="segment-tree-card">
      {nodes.length <= 1 ? (
        <div data-testid="segment-tree-chart">
          <EmptyState title={t("empty")} hint={t("emptyHint")} />
        </div>
      ) : (
        <>
          <div style={{ overflowX: "auto" }}>
            <div style={{ minWidth: 880 }}>
              <SegmentTreeChart option={option} height={segmentTreeHeight(nodes)} ariaLabel={t("chartLabel")} data-testid="segment-tree-chart" />
            </div>
          </div>
          {splitsOnAge ? <p className="legend-note">{t("ageNote")}</p> : null}
        </>
      )}
      {noAttributes ? (
        <p className="notice" data-testid="segment-tree-no-attributes" role="note">
          {t("noAttributes")}
        </p>
      ) : null}
    </Card>
  );
}
