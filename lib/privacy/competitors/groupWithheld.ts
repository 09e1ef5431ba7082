import type { Withheld } from "../guard";
import type { PeerGroup } from "../peerGroups";

/**
 * The answer of every peer figure when no level of the merchant's peer group passes the rules
 * (docs/adr/0006): withheld with the group's own reason, or `min_peers` with its counts when the
 * group carries none. Pure.
 */
export function groupWithheld(group: PeerGroup): { released: false; withheld: Withheld } {
  return {
    released: false,
    withheld: group.withheld ?? { rule: "min_peers", peers: group.peers },
  };
}
