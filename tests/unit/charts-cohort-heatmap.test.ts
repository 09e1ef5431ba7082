import { describe, expect, it } from "vitest";
import { makeChartFormat } from "@/lib/charts/format";
import {
  buildCohortHeatmapOption,
  cohortGrid,
  type CohortCellInput,
  type CohortLabels,
  type CohortRowInput,
} from "@/lib/charts/cohortHeatmap";

const en = makeChartFormat("en", "GBP");
const labels: CohortLabels = {
  monthK: (k) => `M${k}`,
  cohort: (month, size) => `${month} (${size})`,
  customers: "Customers",
  retention: "Retention",
  revenue: "Revenue",
  revenueRetention: "Revenue retention",
  suppressed: "< 5",
  incomplete: "Month not complete",
};

function cell(k: number, month: string, customers: number, size: number, revenueMinor: number, revenue0: number, complete = true): CohortCellInput {
  return { k, month, complete, customers, retention: customers / size, revenueMinor, revenueRetention: revenueMinor / revenue0, suppressed: false };
}
function hiddenCell(k: number, month: string, complete = true): CohortCellInput {
  return { k, month, complete, customers: null, retention: null, revenueMinor: null, revenueRetention: null, suppressed: true };
}

// Three monthly cohorts Jan–Mar 2024 (period 2024-01-01..2024-03-16: March incomplete).
// February's cohort has only 3 customers, so it is withheld entirely; January's M1 cell is
// missing from the data (a gap) and its M2 cell is suppressed.
const cohorts: CohortRowInput[] = [
  {
    cohort: "2024-03-01",
    size: 10,
    suppressed: false,
    cells: [cell(0, "2024-03-01", 10, 10, 5000, 5000, false)],
  },
  {
    cohort: "2024-01-01",
    size: 40,
    suppressed: false,
    cells: [cell(0, "2024-01-01", 40, 40, 20000, 20000), hiddenCell(2, "2024-03-01", false)],
  },
  {
    cohort: "2024-02-01",
    size: null,
    suppressed: true,
    cells: [hiddenCell(0, "2024-02-01"), hiddenCell(1, "2024-03-01", false)],
  },
];

describe("cohortGrid", () => {
  it("orders cohorts oldest first and fills the triangle, gaps as empty cells", () => {
    const grid = cohortGrid(cohorts, "retention");
    expect(grid.columns).toBe(3);
    expect(grid.cells.map((c) => [c.row, c.k, c.value, c.suppressed])).toEqual([
      [0, 0, 1, false],
      [0, 1, null, false],
      [0, 2, null, true],
      [1, 0, null, true],
      [1, 1, null, true],
      [2, 0, 1, false],
    ]);
  });
});

describe("buildCohortHeatmapOption", () => {
  const option = buildCohortHeatmapOption(cohorts, labels, en);
  const series = option.series as Array<{ type: string; data: unknown[]; label: { formatter: (p: unknown) => string } }>;

  it("labels rows with cohort month and size, columns with months since the first purchase", () => {
    expect((option.yAxis as { data: string[]; inverse: boolean }).data).toEqual([
      "2024-01-01 (40)",
      "2024-02-01 (< 5)",
      "2024-03-01 (10)",
    ]);
    expect((option.yAxis as { inverse: boolean }).inverse).toBe(true);
    expect((option.xAxis as { data: string[] }).data).toEqual(["M0", "M1", "M2"]);
  });

  it("plots shown cells on the colour scale and suppressed cells apart, as < 5", () => {
    expect(series[0].type).toBe("heatmap");
    expect(series[0].data).toEqual([
      [0, 0, 1],
      [1, 0, null],
      [0, 2, 1],
    ]);
    expect(series[1].data).toEqual([
      [2, 0, 0],
      [0, 1, 0],
      [1, 1, 0],
    ]);
    expect(series[1].label.formatter({})).toBe("< 5");
    expect(series[0].label.formatter({ value: [0, 0, 0.255] })).toBe("25.5%");
    // March's cohort (shown cell 2) is still in progress: marked; January's M0 (cell 0) is not.
    expect(series[0].label.formatter({ value: [0, 2, 1], dataIndex: 2 })).toBe("100%*");
    expect(series[0].label.formatter({ value: [0, 0, 1], dataIndex: 0 })).toBe("100%");
    // An absolute scale: a later month of 11.1 % is not coloured like month 0's 100 % (issue 19).
    expect(option.visualMap).toMatchObject({ seriesIndex: 0, min: 0, max: 1 });
  });

  it("explains a cell in the tooltip, money in the merchant's currency", () => {
    const tooltip = option.tooltip as { formatter: (p: unknown) => string };
    expect(tooltip.formatter({ seriesIndex: 0, dataIndex: 2 })).toBe(
      "<b>Mar 2024</b> · M0<br/>Customers: 10<br/>Retention: 100%<br/>Revenue: £50.00<br/>Revenue retention: 100%<br/>Month not complete",
    );
    expect(tooltip.formatter({ seriesIndex: 1, dataIndex: 1 })).toBe("<b>Feb 2024</b> · M0<br/>Customers: < 5");
  });

  it("switches to revenue retention", () => {
    const revenue = buildCohortHeatmapOption(
      [{ cohort: "2024-01-01", size: 8, suppressed: false, cells: [cell(0, "2024-01-01", 8, 8, 1000, 1000), cell(1, "2024-02-01", 5, 8, 250, 1000)] }],
      labels,
      en,
      "revenueRetention",
    );
    expect((revenue.series as Array<{ data: unknown[] }>)[0].data).toEqual([
      [0, 0, 1],
      [1, 0, 0.25],
    ]);
  });
});
