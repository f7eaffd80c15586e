// Access in plain sentences: who can decrypt what until when, what a member earns, where a
// request stands. Pure functions of what the node answers, so they are tested alone.

import type { GrantView, RequestView } from "./api/bindings";
import { formatDateTime } from "./format";
import { en } from "./i18n/en";

/** An identity id as the window shows it. */
export function shortId(id: string): string {
  return id.slice(0, 12);
}

/** Whether a grant still lets its trainer decrypt. */
export function grantState(g: GrantView): "live" | "revoked" | "pending" | "ended" {
  if (g.revoked) return "revoked";
  if (g.live) return "live";
  return g.delivered ? "ended" : "pending";
}

/** One sentence per grant, from the member's side or the trainer's. */
export function grantSentence(g: GrantView): string {
  const a = en.access;
  const until = formatDateTime(g.window_end);
  const what = g.dataset ?? a.datasetOf(shortId(g.member));
  const purpose = g.purpose ? en.purposes[g.purpose].plain : "";
  switch (grantState(g)) {
    case "revoked":
      return a.grantRevoked(shortId(g.trainer), what);
    case "pending":
      return a.grantPending(shortId(g.trainer), what);
    case "ended":
      return a.grantEnded(shortId(g.trainer), what, until);
    case "live":
      return g.mine
        ? a.grantLiveMine(shortId(g.trainer), what, until, purpose, g.license, g.credits)
        : a.grantLive(what, shortId(g.member), until, purpose, g.license);
  }
}

/** The line on a dataset's card and page: who holds a key to it, until when. */
export function holdersText(grants: GrantView[], dataset: string): string {
  const live = grants.filter((g) => g.mine && g.dataset === dataset && grantState(g) === "live");
  if (live.length === 0) return en.access.noKeys;
  return en.access.keysHeld(live.map((g) => en.access.holder(shortId(g.trainer), formatDateTime(g.window_end))));
}

/** Where a request stands, in words. */
export function requestStatusText(r: RequestView): string {
  const a = en.access;
  switch (r.status) {
    case "denied":
      return a.statusDenied(r.denial_reason ?? "");
    case "approved":
      return a.statusApproved(r.released, r.matching);
    case "pending":
      return a.statusPending(r.approvals, r.threshold);
  }
}

/** A period in days, hours, minutes or seconds ("30 days"). */
export function periodText(secs: number): string {
  const a = en.access;
  if (secs % 86_400 === 0) return a.days(secs / 86_400);
  if (secs % 3_600 === 0) return a.hours(secs / 3_600);
  if (secs % 60 === 0) return a.minutes(secs / 60);
  return a.seconds(secs);
}
