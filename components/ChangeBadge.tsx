import { changeDirection } from "@/lib/format";

/**
 * A relative change as a coloured pill with an arrow. `goodWhen` says which direction is good
 * news (refunds rising is bad): that decides the colour, the arrow shows the direction.
 */
export function ChangeBadge({
  change,
  label,
  goodWhen = "up",
  testId,
}: {
  change: number | null;
  /** The formatted change ("+10%"), possibly with a prefix. */
  label: string;
  goodWhen?: "up" | "down";
  testId?: string;
}) {
  const direction = changeDirection(change);
  const tone = direction === "flat" ? "neutral" : (direction === "up") === (goodWhen === "up") ? "good" : "bad";
  const arrow = direction === "up" ? "▲" : direction === "down" ? "▼" : "";
  return (
    <span className="change" data-tone={tone} data-direction={direction} data-testid={testId}>
      {arrow ? <span aria-hidden="true">{arrow}</span> : null}
      {label}
    </span>
  );
}
