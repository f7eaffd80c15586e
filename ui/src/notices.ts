// The bell's notices: what changed about requests and grants between two readings, in
// plain words. A pure function of the two readings, so it is tested alone; the first
// reading of a session tells only what waits for the person (questions, reviews).

import type { GrantView, RequestView } from "./api/bindings";
import { endsSoon, revokedBy, shortId } from "./access";
import { formatDateTime } from "./format";
import { en } from "./i18n/en";

/** What the window reads to compute notices. */
export interface Reading {
  requests: RequestView[];
  grants: GrantView[];
  /** Whether this identity is a steward (reviews requests). */
  steward: boolean;
}

/** One notice, with a key so it is told once. */
export interface Notice {
  key: string;
  text: string;
}

function waiting(r: Reading): Notice[] {
  const out: Notice[] = [];
  for (const q of r.requests) {
    if (q.asks_me.length > 0) {
      out.push({ key: `ask:${q.id}`, text: en.notices.asks(shortId(q.trainer), q.asks_me.join(", ")) });
    }
    if (r.steward && q.status === "pending" && !q.approved_by_me) {
      out.push({ key: `review:${q.id}`, text: en.notices.review(shortId(q.trainer), q.license) });
    }
  }
  return out;
}

/** Grants this person holds or released that end soon, or ended since `before`. */
function endings(before: Reading | null, after: Reading, now: number): Notice[] {
  const out: Notice[] = [];
  const was = new Map((before?.grants ?? []).map((g) => [g.id, g]));
  for (const g of after.grants) {
    const party = g.mine || g.to_me;
    if (!party) continue;
    const what = g.dataset ?? en.access.datasetOf(shortId(g.member));
    if (endsSoon(g, now)) {
      out.push({ key: `ending:${g.id}`, text: en.notices.endsSoon(what, shortId(g.trainer), formatDateTime(g.window_end)) });
    }
    const old = was.get(g.id);
    if (!old || old.ending || !g.ending) continue;
    if (g.ending.ended === "revoked") {
      out.push({ key: `ended:${g.id}`, text: en.notices.revoked(what, shortId(g.trainer), revokedBy(g)) });
    } else {
      out.push({ key: `ended:${g.id}`, text: en.notices.expired(what, shortId(g.trainer)) });
    }
  }
  return out;
}

/** Notices for `after`, given the reading before it (none: the session's first) and the
 * grants an earlier session already told (so a release made while the window was closed
 * is still news), at `now` (Unix seconds). */
export function notices(
  before: Reading | null,
  after: Reading,
  toldGrants: ReadonlySet<string> = new Set(),
  now: number = Date.now() / 1000,
): Notice[] {
  const out = [...waiting(after), ...endings(before, after, now)];
  const known = new Set([...(before?.grants.map((g) => g.id) ?? []), ...toldGrants]);
  const old = new Map((before?.requests ?? []).map((q) => [q.id, q]));
  for (const q of after.requests) {
    const was = old.get(q.id);
    if (!q.mine || !was || was.status === q.status) continue;
    if (q.status === "approved") out.push({ key: `approved:${q.id}`, text: en.notices.approved(shortId(q.id)) });
    if (q.status === "denied") {
      out.push({ key: `denied:${q.id}`, text: en.notices.denied(shortId(q.id), q.denial_reason ?? "") });
    }
  }
  for (const g of after.grants) {
    if (known.has(g.id)) continue;
    if (g.mine) {
      out.push({ key: `released:${g.id}`, text: en.notices.released(g.dataset ?? "", shortId(g.trainer)) });
    } else if (!seenAsSteward(after, g)) {
      out.push({ key: `received:${g.id}`, text: en.notices.received(shortId(g.member)) });
    }
  }
  return out;
}

/** A steward sees every grant; only the trainer's own are news to it. */
function seenAsSteward(r: Reading, g: GrantView): boolean {
  return r.steward && !r.requests.some((q) => q.mine && q.id === g.request);
}
