import type { ReactNode } from "react";

export interface Column<Row> {
  key: string;
  header: ReactNode;
  /** Right-aligned tabular figures. */
  numeric?: boolean;
  /** Extra class of the column's cells (widths, wrapping). */
  className?: string;
  cell: (row: Row, index: number) => ReactNode;
}

/** A plain, accessible table; numeric columns right-aligned with tabular numerals. */
export function DataTable<Row>({
  columns,
  rows,
  rowKey,
  caption,
  rowProps,
  "data-testid": testId,
}: {
  columns: Column<Row>[];
  rows: Row[];
  rowKey: (row: Row, index: number) => string;
  caption?: string;
  rowProps?: (row: Row, index: number) => Record<string, string | undefined>;
  "data-testid"?: string;
}) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid={testId}>
        {caption ? <caption className="visually-hidden">{caption}</caption> : null}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" className={c.numeric ? "num" : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={rowKey(row, i)} {...(rowProps?.(row, i) ?? {})}>
              {columns.map((c) => (
                <td key={c.key} className={[c.numeric ? "num" : "", c.className ?? ""].join(" ").trim() || undefined}>
                  {c.cell(row, i)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
