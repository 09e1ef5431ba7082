import type { TreeSeriesOption } from "echarts/charts";
import type { TooltipComponentOption } from "echarts/components";
import type { ComposeOption } from "echarts/core";
import { PALETTE, type ChartFormat } from "./types";

/**
 * The option of the segment tree chart. The `tree` series is not one of the types ChartOption
 * allows (components/charts/EChart.tsx does not register it), so the component drawing it
 * registers echarts' TreeChart itself (components/segments/SegmentTreeChart.tsx).
 */
export type SegmentTreeChartOption = ComposeOption<TreeSeriesOption | TooltipComponentOption>;

/**
 * A node of the fitted CART tree (lib/models/cart.ts CartNode), with the condition that leads to
 * it already in words in the user's language ("Female", "age > 23.5"); null at the root.
 */
export interface SegmentTreeNodeInput {
  id: number;
  /** Customers reaching the node. */
  samples: number;
  /** Mean revenue per customer of the node, minor units (the tree's prediction). */
  value: number;
  left: number | null;
  right: number | null;
  condition: string | null;
}

export interface SegmentTreeLabels {
  /** The root's name: "All customers". */
  root: string;
  /** "£120.00 per customer" from the formatted money. */
  perCustomer(money: string): string;
  /** "1,234 customers" (plural-aware) from a count. */
  customers(count: number): string;
  /** Tooltip names. */
  meanRevenue: string;
  customersLabel: string;
  share: string;
}

/** One echarts tree item, with its label text and tooltip kept on the item. */
export interface SegmentTreeItem {
  name: string;
  value: number;
  /** The node's label: condition, mean revenue per customer, and customers on leaves and the root. */
  text: string;
  tip: string;
  symbolSize: number;
  itemStyle: { color: string };
  children?: SegmentTreeItem[];
}

/** Symbol size by the node's share of customers: 6 px plus up to 12 px (area-like, square root). */
export function treeSymbolSize(samples: number, rootSamples: number): number {
  if (rootSamples <= 0) return 6;
  return Math.round((6 + 12 * Math.sqrt(samples / rootSamples)) * 10) / 10;
}

/** Leaves of the tree (nodes without children); 0 for an empty tree. */
export function treeLeafCount(nodes: readonly SegmentTreeNodeInput[]): number {
  return nodes.filter((n) => n.left === null && n.right === null).length;
}

/** A chart height that gives every leaf about 48 px of its own (at least 240 px). */
export function segmentTreeHeight(nodes: readonly SegmentTreeNodeInput[]): number {
  return Math.max(240, treeLeafCount(nodes) * 48 + 48);
}

/**
 * The nested items of the tree, root first, left child (the `<=` side) before the right one.
 * Nodes are looked up by id, so their order in the input does not matter; an empty input gives
 * no items.
 */
export function segmentTreeItems(
  nodes: readonly SegmentTreeNodeInput[],
  labels: SegmentTreeLabels,
  format: ChartFormat,
): SegmentTreeItem[] {
  const byId = new Map(nodes.map((n) => [n.id, n] as const));
  const root = byId.get(0) ?? nodes[0];
  if (!root) return [];
  const rootSamples = root.samples;
  const visit = (node: SegmentTreeNodeInput, seen: Set<number>): SegmentTreeItem => {
    seen.add(node.id);
    const isRoot = node === root;
    const isLeaf = node.left === null && node.right === null;
    const name = isRoot ? labels.root : (node.condition ?? "");
    const money = format.money(node.value);
    const lines = [name, labels.perCustomer(money)];
    if (isRoot) lines.push(labels.customers(node.samples));
    else if (isLeaf) lines[1] = `${lines[1]} · ${labels.customers(node.samples)}`;
    const share = rootSamples > 0 ? node.samples / rootSamples : null;
    const item: SegmentTreeItem = {
      name,
      value: node.value,
      text: lines.join("\n"),
      tip: [
        `<b>${name}</b>`,
        `${labels.meanRevenue}: ${money}`,
        `${labels.customersLabel}: ${format.number(node.samples)} (${format.percent(share)} ${labels.share})`,
      ].join("<br/>"),
      symbolSize: treeSymbolSize(node.samples, rootSamples),
      itemStyle: { color: isLeaf ? PALETTE.current : PALETTE.soft },
    };
    const children = [node.left, node.right]
      .filter((id): id is number => id !== null && !seen.has(id))
      .map((id) => byId.get(id))
      .filter((n): n is SegmentTreeNodeInput => n !== undefined)
      .map((n) => visit(n, seen));
    if (children.length > 0) item.children = children;
    return item;
  };
  return [visit(root, new Set())];
}

interface TreeParam {
  data?: Partial<SegmentTreeItem>;
}

/**
 * The segment tree drawn left to right: each node labelled with the condition that leads to it
 * (its parent's split, in words) and its mean revenue per customer; leaves and the root also
 * with their customers. Leaves are the app's blue, inner nodes light blue, symbol size grows
 * with the node's customers. Every node is expanded; no roaming.
 */
export function buildSegmentTreeOption(
  nodes: readonly SegmentTreeNodeInput[],
  labels: SegmentTreeLabels,
  format: ChartFormat,
): SegmentTreeChartOption {
  return {
    animation: false,
    tooltip: {
      trigger: "item",
      formatter: (p: unknown) => (p as TreeParam).data?.tip ?? "",
    },
    series: [
      {
        type: "tree",
        data: segmentTreeItems(nodes, labels, format) as unknown as TreeSeriesOption["data"],
        orient: "LR",
        layout: "orthogonal",
        edgeShape: "polyline",
        edgeForkPosition: "50%",
        top: 24,
        bottom: 24,
        left: 96,
        right: 260,
        roam: false,
        initialTreeDepth: -1,
        expandAndCollapse: false,
        symbol: "circle",
        lineStyle: { color: PALETTE.previous, width: 1.2 },
        label: {
          position: "top",
          align: "center",
          verticalAlign: "bottom",
          distance: 6,
          fontSize: 11,
          lineHeight: 15,
          color: PALETTE.text,
          formatter: (p: unknown) => (p as TreeParam).data?.text ?? "",
        },
        leaves: {
          label: { position: "right", align: "left", verticalAlign: "middle", distance: 8 },
        },
        emphasis: { focus: "ancestor" },
      },
    ],
  };
}
