// Access in plain sentences: who can decrypt what until when, what a member earns, where a
// request stands. Pure functions of what the node answers, so they are tested alone.

import type { GrantView, RequestView } from "./api/bindings";
import { formatDateTime, formatDuration } from "./format";
import { en } from "./i18n/en";

/** An identity id as the window shows it. */
export function shortId(id: string): string {
  return id.slice(0, 12);
}

/** Whether a grant still lets its trainer decrypt. */
export function grantState(g: GrantView): "live" | "revoked" | "pending" | "expired" {
  if (g.ending?.ended === "revoked" || g.revoked) return "revoked";
  if (g.ending?.ended === "expired") return "expired";
  if (g.live) return "live";
  return "pending";
}

/** Who ended a revoked grant, and why, in words ("you", "the member", "steward …"). */
export function revokedBy(g: GrantView): string {
  const a = en.access;
  if (g.ending?.ended !== "revoked") return "";
  const who = g.ending.by_member
    ? (g.mine ? a.byYou : a.byMember(shortId(g.member)))
    : a.bySteward(shortId(g.ending.by));
  return g.ending.reason ? a.revokedWhy(who, g.ending.reason) : who;
}

/** One sentence per grant, from the member's side, the trainer's, or a steward's. */
export function grantSentence(g: GrantView): string {
  const a = en.access;
  const until = formatDateTime(g.window_end);
  const trainer = shortId(g.trainer);
  const member = shortId(g.member);
  const what = g.dataset ?? a.datasetOf(member);
  const purpose = g.purpose ? en.purposes[g.purpose].plain : "";
  switch (grantState(g)) {
    case "revoked":
      if (g.mine) return a.grantRevoked(trainer, what, revokedBy(g));
      return g.to_me ? a.grantRevokedTrainer(member, revokedBy(g)) : a.grantRevokedOther(trainer, member, revokedBy(g));
    case "pending":
      return a.grantPending(trainer, what);
    case "expired":
      if (g.mine) return a.grantExpired(trainer, what, until);
      return g.to_me ? a.grantExpiredTrainer(member, until) : a.grantExpiredOther(trainer, member, until);
    case "live":
      if (g.mine) return a.grantLiveMine(trainer, what, until, purpose, g.license, g.credits);
      return g.to_me
        ? a.grantLive(member, until, purpose, g.license)
        : a.grantLiveOther(trainer, member, until, purpose, g.license);
  }
}

/** What is left of a live grant's window at `now` (Unix seconds): "2 h 5 min left". */
export function timeLeftText(g: GrantView, now: number): string {
  const left = g.window_end - now;
  return left > 0 ? en.access.timeLeft(formatDuration(left)) : en.access.closing;
}

/** Whether a live grant is near its end at `now`: the last tenth of its window, and at
 * most its last day. */
export function endsSoon(g: GrantView, now: number): boolean {
  const period = g.window_end - g.window_start;
  const left = g.window_end - now;
  return grantState(g) === "live" && left > 0 && left <= Math.min(period / 10, 86_400);
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
    case "expired":
      return a.statusExpired(formatDateTime(r.window_end ?? 0));
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
