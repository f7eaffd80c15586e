// Activity and earnings in words and shapes: each timeline row as a sentence, the filter
// groups, and the earnings chart's points. Pure functions of what the node answers, so
// they are tested alone.

import type { ActivityEntry, ActivityKind, Earnings } from "./api/bindings";
import { shortId } from "./access";
import { formatBytes } from "./format";
import { en } from "./i18n/en";

/** The groups the Activity screen filters by. */
export type ActivityFilter = keyof typeof en.activity.filters;

const GROUPS: Record<Exclude<ActivityFilter, "all">, readonly ActivityKind[]> = {
  consent: ["consent_given", "consent_changed", "consent_withdrawn"],
  requests: ["request_made", "request_matched", "ask_answered", "request_approved", "request_denied"],
  keys: ["keys_released"],
  fetches: ["data_served"],
  ended: ["grant_revoked", "grant_expired"],
};

/** The entries of one filter group, in their order. */
export function filterActivity(entries: ActivityEntry[], filter: ActivityFilter): ActivityEntry[] {
  if (filter === "all") return entries;
  const kinds = GROUPS[filter];
  return entries.filter((e) => kinds.includes(e.kind));
}

/** One row of the timeline in plain words. `me` is this identity's id. */
export function activitySentence(e: ActivityEntry, me: string): string {
  const k = en.activity.kinds;
  const dataset = e.dataset ?? "";
  const trainer = e.trainer ? shortId(e.trainer) : "";
  const purpose = e.purpose ? en.purposes[e.purpose].plain : "";
  const request = e.request ? shortId(e.request) : "";
  const by = !e.by || e.by === me ? en.activity.you : shortId(e.by);
  switch (e.kind) {
    case "consent_given":
      return k.consent_given(dataset);
    case "consent_changed":
      return k.consent_changed(dataset);
    case "consent_withdrawn":
      return k.consent_withdrawn(dataset);
    case "request_made":
      return k.request_made(purpose);
    case "request_matched":
      return k.request_matched(trainer, dataset, purpose);
    case "ask_answered":
      return k.ask_answered(dataset, e.accepted === true);
    case "request_approved":
      return k.request_approved(request);
    case "request_denied":
      return k.request_denied(request, e.reason ?? "");
    case "keys_released":
      return k.keys_released(dataset, trainer, e.credits ?? 0);
    case "data_served": {
      const who = !e.by || e.by === me ? en.activity.yourComputer : en.activity.peer(shortId(e.by));
      return k.data_served(who, trainer, formatBytes(e.bytes ?? 0), dataset);
    }
    case "grant_revoked":
      return k.grant_revoked(dataset, trainer, e.reason ? en.access.revokedWhy(by, e.reason) : by);
    case "grant_expired":
      return k.grant_expired(dataset, trainer);
  }
}

/** A point of the earnings chart: the running total at a time (Unix seconds). */
export interface EarningPoint {
  time: number;
  total: number;
}

/** The running total of credits after each witnessed release, oldest first. Releases
 * without a log time yet are left out (they have no place on the time axis). */
export function earningPoints(earnings: Earnings): EarningPoint[] {
  const dated = earnings.grants
    .filter((g) => g.time !== null)
    .sort((x, y) => (x.time ?? 0) - (y.time ?? 0));
  let total = 0;
  return dated.map((g) => {
    total += g.credits;
    return { time: g.time ?? 0, total };
  });
}

/** The chart's step line as an SVG path in a `width` x `height` box (y grows down),
 * from the first point's time to `until` (Unix seconds). */
export function chartPath(points: EarningPoint[], width: number, height: number, until: number): string {
  if (points.length === 0) return "";
  const start = points[0].time;
  const span = Math.max(until - start, 1);
  const top = Math.max(...points.map((p) => p.total), 1);
  const x = (t: number) => ((t - start) / span) * width;
  const y = (v: number) => height - (v / top) * height;
  let d = `M0 ${height}`;
  for (const p of points) d += ` H${x(p.time).toFixed(1)} V${y(p.total).toFixed(1)}`;
  return `${d} H${width}`;
}
