"use client";

import { Card } from "./Card";
import { DataTable, type Column } from "./DataTable";
import { EmptyState, ErrorState, LoadingState } from "./states";

/**
 * The list of a merchant's stored runs (uploaded campaigns, offers): loading, error with retry,
 * an empty state, else the rows in a titled table. The caller's columns link each row to its page.
 */
export function RunListCard<T>({
  title,
  emptyTitle,
  emptyHint,
  query,
  columns,
  rowKey,
  "data-testid": testId,
}: {
  title: string;
  emptyTitle: string;
  emptyHint: string;
  query: { isPending: boolean; error: unknown; data: T[] | undefined; refetch: () => unknown };
  columns: Column<T>[];
  rowKey: (row: T) => string;
  "data-testid": string;
}) {
  if (query.isPending) return <LoadingState height={200} />;
  if (query.error || !query.data) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  return (
    <Card title={title}>
      {query.data.length === 0 ? (
        <EmptyState title={emptyTitle} hint={emptyHint} />
      ) : (
        <DataTable columns={columns} rows={query.data} rowKey={rowKey} data-testid={testId} />
      )}
    </Card>
  );
}
