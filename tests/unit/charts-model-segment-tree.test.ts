import { describe, expect, it } from "vitest";
import { makeChartFormat } from "@/lib/charts/format";
import {
  buildSegmentTreeOption,
  segmentTreeHeight,
  segmentTreeItems,
  treeLeafCount,
  treeSymbolSize,
  type SegmentTreeLabels,
  type SegmentTreeNodeInput,
} from "@/lib/charts/buildSegmentTreeOption";
import { PALETTE } from "@/lib/charts/types";

const en = makeChartFormat("en", "GBP");
type Formatter = (p: unknown) => string;

const labels: SegmentTreeLabels = {
  root: "All customers",
  perCustomer: (money) => `${money} per customer`,
  customers: (count) => `${count.toLocaleString("en")} ${count === 1 ? "customer" : "customers"}`,
  meanRevenue: "Revenue per customer",
  customersLabel: "Customers",
  share: "of all",
};

// A depth-2 tree as CART numbers it (depth first, left before right): root 0 splits into 1
// (left, a leaf) and 2, which splits into leaves 3 and 4. Given out of order on purpose.
const nodes: SegmentTreeNodeInput[] = [
  { id: 2, samples: 64, value: 30000, left: 3, right: 4, condition: "Female" },
  { id: 0, samples: 100, value: 22000, left: 1, right: 2, condition: null },
  { id: 4, samples: 25, value: 45000, left: null, right: null, condition: "age > 35.5" },
  { id: 1, samples: 36, value: 7778, left: null, right: null, condition: "Not female" },
  { id: 3, samples: 39, value: 20385, left: null, right: null, condition: "age <= 35.5" },
];

describe("tree helpers", () => {
  it("size symbols by the square root of the customer share", () => {
    expect(treeSymbolSize(100, 100)).toBe(18);
    expect(treeSymbolSize(25, 100)).toBe(12);
    expect(treeSymbolSize(36, 100)).toBe(13.2);
    expect(treeSymbolSize(5, 0)).toBe(6);
  });
  it("count leaves and give each about 48 px", () => {
    expect(treeLeafCount(nodes)).toBe(3);
    expect(segmentTreeHeight(nodes)).toBe(240);
    const wide = Array.from({ length: 16 }, (_, i) => ({ id: i + 1, samples: 5, value: 1, left: null, right: null, condition: "x" }));
    expect(segmentTreeHeight(wide)).toBe(16 * 48 + 48);
  });
});

describe("segmentTreeItems", () => {
  it("nests the nodes from the root, left before right, with labels and tooltips", () => {
    expect(segmentTreeItems(nodes, labels, en)).toEqual([
      {
        name: "All customers",
        value: 22000,
        text: "All customers\n£220.00 per customer\n100 customers",
        tip: "<b>All customers</b><br/>Revenue per customer: £220.00<br/>Customers: 100 (100% of all)",
        symbolSize: 18,
        itemStyle: { color: PALETTE.soft },
        children: [
          {
            name: "Not female",
            value: 7778,
            text: "Not female\n£77.78 per customer · 36 customers",
            tip: "<b>Not female</b><br/>Revenue per customer: £77.78<br/>Customers: 36 (36% of all)",
            symbolSize: 13.2,
            itemStyle: { color: PALETTE.current },
          },
          {
            name: "Female",
            value: 30000,
            text: "Female\n£300.00 per customer",
            tip: "<b>Female</b><br/>Revenue per customer: £300.00<br/>Customers: 64 (64% of all)",
            symbolSize: 15.6,
            itemStyle: { color: PALETTE.soft },
            children: [
              {
                name: "age <= 35.5",
                value: 20385,
                text: "age <= 35.5\n£203.85 per customer · 39 customers",
                tip: "<b>age <= 35.5</b><br/>Revenue per customer: £203.85<br/>Customers: 39 (39% of all)",
                symbolSize: 13.5,
                itemStyle: { color: PALETTE.current },
              },
              {
                name: "age > 35.5",
                value: 45000,
                text: "age > 35.5\n£450.00 per customer · 25 customers",
                tip: "<b>age > 35.5</b><br/>Revenue per customer: £450.00<br/>Customers: 25 (25% of all)",
                symbolSize: 12,
                itemStyle: { color: PALETTE.current },
              },
            ],
          },
        ],
      },
    ]);
  });

  it("draws a lone root as one labelled node and nothing for an empty tree", () => {
    expect(segmentTreeItems([{ id: 0, samples: 7, value: 100, left: null, right: null, condition: null }], labels, en)).toEqual([
      {
        name: "All customers",
        value: 100,
        text: "All customers\n£1.00 per customer\n7 customers",
        tip: "<b>All customers</b><br/>Revenue per customer: £1.00<br/>Customers: 7 (100% of all)",
        symbolSize: 18,
        itemStyle: { color: PALETTE.current },
      },
    ]);
    expect(segmentTreeItems([], labels, en)).toEqual([]);
  });
});

describe("buildSegmentTreeOption", () => {
  const option = buildSegmentTreeOption(nodes, labels, en);
  const series = (option.series as Array<Record<string, unknown>>)[0];

  it("is a left-to-right tree, fully expanded, without roaming", () => {
    expect(series).toMatchObject({
      type: "tree",
      orient: "LR",
      layout: "orthogonal",
      edgeShape: "polyline",
      initialTreeDepth: -1,
      expandAndCollapse: false,
      roam: false,
      symbol: "circle",
      left: 96,
      right: 260,
      leaves: { label: { position: "right", align: "left", verticalAlign: "middle", distance: 8 } },
    });
    expect(series.data).toEqual(segmentTreeItems(nodes, labels, en));
    expect(option.animation).toBe(false);
  });

  it("labels nodes and fills tooltips from the items", () => {
    const label = series.label as { position: string; formatter: Formatter };
    expect(label.position).toBe("top");
    const root = (series.data as Array<{ text: string; tip: string }>)[0];
    expect(label.formatter({ data: root })).toBe("All customers\n£220.00 per customer\n100 customers");
    expect(label.formatter({})).toBe("");
    const tooltip = option.tooltip as { trigger: string; formatter: Formatter };
    expect(tooltip.trigger).toBe("item");
    expect(tooltip.formatter({ data: root })).toBe(root.tip);
  });
});
