/*
 * Which messages reach the browser (ADR 0034). The server reads the whole catalogue
 * (lib/i18n/request.ts); the client gets only the message paths its components read: the root
 * layout hands ROOT_CLIENT_MESSAGES to every page, and a page or layout adds its own with
 * <ClientMessages paths={[…]}> (components/i18n/ClientMessages.tsx) around everything it renders.
 * tests/unit/i18n-client-messages.test.ts walks each page's client components and fails when one
 * reads a path its page does not hand down.
 */

/** A message catalogue (or part of one): namespaces → nested objects → ICU strings. */
export type MessageTree = { [key: string]: string | MessageTree };

/**
 * What every page's client components may read: the common namespace (states, period picker,
 * privacy notes, locale switcher, error page) and the section tabs' names of the shell
 * (components/shell/NavTabs.tsx, rendered by every signed-in layout).
 */
export const ROOT_CLIENT_MESSAGES = [
  "common",
  "value.nav",
  "churn.nav",
  "segments.nav",
  "competitors.nav",
  "findings.nav",
  "campaigns.nav",
  "offers.nav",
  "billing.nav",
  "billing.locked.badge",
  "api.nav",
] as const;

/**
 * The part of `messages` under each dotted path of `paths` ("churn" is a whole namespace,
 * "billing.locked" one object of it, "billing.locked.badge" one string), as a new tree of the same
 * nesting; overlapping paths merge. Throws Error naming the path when a path is missing, so a
 * misspelt path fails the render (and the unit test) instead of showing raw keys.
 */
export function pickMessages(messages: MessageTree, paths: readonly string[]): MessageTree {
  const out: MessageTree = {};
  for (const p of paths) {
    const keys = p.split(".");
    let from: string | MessageTree = messages;
    for (const k of keys) {
      if (typeof from !== "object" || !(k in from)) throw new Error(`no messages at "${p}"`);
      from = from[k];
    }
    let to = out;
    for (const k of keys.slice(0, -1)) {
      const next = to[k];
      if (typeof next !== "object") to[k] = {};
      to = to[k] as MessageTree;
    }
    const last = keys[keys.length - 1];
    const existing = to[last];
    to[last] = typeof existing === "object" && typeof from === "object" ? mergeMessages(existing, from) : from;
  }
  return out;
}

/**
 * `a` and `b` merged to any depth (b's string wins where both hold one); neither is changed.
 * The client merges a page's messages into those of the provider above it.
 */
export function mergeMessages(a: MessageTree, b: MessageTree): MessageTree {
  const out: MessageTree = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = typeof prev === "object" && typeof v === "object" ? mergeMessages(prev, v) : v;
  }
  return out;
}
