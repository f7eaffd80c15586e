// Where a dataset's ciphertext is kept, in one sentence for its card.

import type { Placement } from "./api/bindings";
import { en } from "./i18n/en";

/** "On this computer only", or the stewards whose nodes reported pinning all of it. */
export function keptText(placement: Placement | undefined): string {
  if (!placement || placement.pinned_by.length === 0) {
    return placement && placement.announced < placement.epochs ? en.data.card.keptPending : en.data.card.keptHere;
  }
  return en.data.card.keptPinned(placement.pinned_by.map((id) => id.slice(0, 12)));
}
