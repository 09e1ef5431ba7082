/** A small padlock (inline SVG: no emoji font needed), for locked features. */
export function LockIcon({ label }: { label?: string }) {
  return (
    <svg width="11" height="12" viewBox="0 0 11 12" role={label ? "img" : undefined} aria-label={label} aria-hidden={label ? undefined : true} style={{ marginRight: 4, verticalAlign: "-1px" }}>
      <rect x="1" y="5" width="9" height="7" rx="1.5" fill="currentColor" />
      <path d="M3 5V3.5a2.5 2.5 0 0 1 5 0V5" fill="none" stroke="currentColor" strokeWidth="1.4" />
    </svg>
  );
}
