import { describe, expect, it } from "vitest";
import { makeChartFormat } from "@/lib/charts/format";
import { monthNames, weekdayNames } from "@/lib/format";
import {
  buildMonthProfileOption,
  buildSeasonalityHeatmapOption,
  heatmapGrid,
  hourLabels,
  monthProfileRows,
  type HeatCellInput,
  type MonthProfileInput,
} from "@/lib/charts/seasonality";

const en = makeChartFormat("en", "GBP");
const ru = makeChartFormat("ru", "RUB");

const heatLabels = {
  weekdays: weekdayNames("en"),
  metric: "Purchases",
  purchases: "Purchases",
  revenue: "Revenue",
  customers: "Customers",
  averageCheck: "Average check",
  suppressed: "< 5",
};

// Monday 10 h busy, Saturday 18 h busier, Sunday 03 h suppressed; everything else absent.
const cells: HeatCellInput[] = [
  { dow: 1, hour: 10, purchases: 40, grossSalesMinor: 80000, customers: 30, averageCheckMinor: 2000, suppressed: false },
  { dow: 6, hour: 18, purchases: 90, grossSalesMinor: 270000, customers: 70, averageCheckMinor: 3000, suppressed: false },
  { dow: 7, hour: 3, purchases: null, grossSalesMinor: null, customers: null, averageCheckMinor: null, suppressed: true },
];

describe("heatmapGrid", () => {
  it("fills all 168 cells, Monday 00 h first; absent cells are suppressed", () => {
    const grid = heatmapGrid(cells);
    expect(grid).toHaveLength(168);
    expect([grid[0].dow, grid[0].hour, grid[0].suppressed]).toEqual([1, 0, true]);
    expect(grid[10]).toBe(cells[0]);
    expect(grid[(6 - 1) * 24 + 18]).toBe(cells[1]);
    expect(grid.filter((c) => !c.suppressed)).toHaveLength(2);
  });
});

describe("buildSeasonalityHeatmapOption", () => {
  const option = buildSeasonalityHeatmapOption(cells, heatLabels, en, "purchases");
  const series = option.series as Array<{ type: string; data: unknown[] }>;

  it("puts hours across and weekdays down, Monday on top", () => {
    expect((option.xAxis as { data: string[] }).data).toEqual(hourLabels());
    expect(hourLabels().slice(0, 3)).toEqual(["00", "01", "02"]);
    expect(option.yAxis).toMatchObject({ data: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], inverse: true });
  });

  it("plots shown cells as [hour, weekday index, value] and the rest grey", () => {
    expect(series[0].data).toEqual([
      [10, 0, 40],
      [18, 5, 90],
    ]);
    expect(series[1].data).toHaveLength(166);
    expect(series[1].data[0]).toEqual([0, 0, 0]);
    expect(option.visualMap).toMatchObject({ min: 40, max: 90, seriesIndex: 0, text: ["90", "40"] });
  });

  it("colours by revenue and labels the scale in compact money", () => {
    const revenue = buildSeasonalityHeatmapOption(cells, heatLabels, ru, "grossSalesMinor");
    expect((revenue.series as Array<{ data: unknown[] }>)[0].data).toEqual([
      [10, 0, 80000],
      [18, 5, 270000],
    ]);
    expect(revenue.visualMap).toMatchObject({ min: 80000, max: 270000, text: ["2,7\u00a0тыс.\u00a0₽", "800\u00a0₽"] });
  });

  it("explains a cell in the tooltip", () => {
    const tooltip = option.tooltip as { formatter: (p: unknown) => string };
    expect(tooltip.formatter({ seriesIndex: 0, dataIndex: 1 })).toBe(
      "<b>Sat 18:00</b><br/>Purchases: 90<br/>Revenue: £2,700.00<br/>Customers: 70<br/>Average check: £30.00",
    );
    expect(tooltip.formatter({ seriesIndex: 1, dataIndex: 0 })).toBe("<b>Mon 00:00</b><br/>Customers: < 5");
  });
});

const monthLabels = {
  months: monthNames("en"),
  metric: "Net revenue",
  years: "Years",
  revenue: "Net revenue",
  grossSales: "Gross sales",
  purchases: "Purchases",
  customers: "Customers",
  suppressed: "< 5",
  noData: "no data",
};
const months: MonthProfileInput[] = [
  { month: 12, years: 2, customers: 400, grossSalesMinor: 1_000_000, netRevenueMinor: 950_000, purchases: 800, suppressed: false },
  { month: 1, years: 1, customers: 120, grossSalesMinor: 300_000, netRevenueMinor: 290_000, purchases: 200, suppressed: false },
  { month: 2, years: null, customers: null, grossSalesMinor: null, netRevenueMinor: null, purchases: null, suppressed: true },
];

describe("monthProfileRows", () => {
  it("fills twelve months January first", () => {
    const rows = monthProfileRows(months);
    expect(rows.map((r) => [r.month, r.suppressed])).toEqual([
      [1, false],
      [2, true],
      [3, false],
      [4, false],
      [5, false],
      [6, false],
      [7, false],
      [8, false],
      [9, false],
      [10, false],
      [11, false],
      [12, false],
    ]);
  });
});

describe("buildMonthProfileOption", () => {
  const option = buildMonthProfileOption(months, monthLabels, en, "netRevenueMinor");
  const series = (option.series as Array<{ type: string; data: unknown[]; label: { formatter: (p: unknown) => string } }>)[0];
  const hidden = { value: 0, itemStyle: { color: "transparent" } };

  it("draws twelve bars with suppressed months invisible", () => {
    expect((option.xAxis as { data: string[] }).data).toEqual(monthNames("en"));
    expect(series.type).toBe("bar");
    expect(series.data).toEqual([290000, hidden, hidden, hidden, hidden, hidden, hidden, hidden, hidden, hidden, hidden, 950000]);
    expect(series.label.formatter({ dataIndex: 0 })).toBe("£2.9K");
    expect(series.label.formatter({ dataIndex: 1 })).toBe("< 5");
    // A month outside the period is "no data", not the privacy marker (issue 19).
    expect(series.label.formatter({ dataIndex: 2 })).toBe("no data");
  });

  it("shows purchases as counts", () => {
    const purchases = buildMonthProfileOption(months, monthLabels, en, "purchases");
    const s = (purchases.series as Array<{ data: unknown[] }>)[0];
    expect(s.data[11]).toBe(800);
    expect((purchases.yAxis as { axisLabel: { formatter: (v: number) => string } }).axisLabel.formatter(1500)).toBe("1,500");
  });

  it("explains a month in the tooltip", () => {
    const tooltip = option.tooltip as { formatter: (p: unknown) => string };
    expect(tooltip.formatter({ dataIndex: 11 })).toBe(
      "<b>Dec</b><br/>Net revenue: £9,500.00<br/>Gross sales: £10,000.00<br/>Purchases: 800<br/>Customers: 400<br/>Years: 2",
    );
  });
});
