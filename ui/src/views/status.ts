// The top bar's status area: which cooperative, the log's latest checkpoint and whether
// anyone independent witnesses it, and any evidence of tampering, in red.

import type { CoopInfo } from "../api/bindings";
import { api } from "../api/commands";
import { h, mount } from "../dom";
import { errorCode, errorMessage } from "../errors";
import { formatCount } from "../format";
import { en } from "../i18n/en";
import { onLogChanged } from "../live";

/** What the status area says about `coop` (null: in no cooperative), as seen by `me`:
 * which computers it reached, and whether the one that keeps the log is out of reach. */
export function statusLines(coop: CoopInfo | null, me: string | null = null): {
  coop: string; log: string | null; evidence: string[]; peers: string | null; offline: boolean;
} {
  const s = en.status;
  if (!coop) return { coop: s.noCoop, log: null, evidence: [], peers: null, offline: false };
  const tried = coop.members.filter((m) => m.id !== me && m.reachable !== null);
  const reached = tried.filter((m) => m.reachable).length;
  const operator = coop.members.find((m) => m.id === coop.operator);
  const role = coop.role ? s.role[coop.role] : s.notMember;
  const checkpoint = coop.latest_checkpoint === null
    ? s.noCheckpoint
    : s.checkpoint(formatCount(coop.latest_checkpoint.size), coop.latest_checkpoint.size);
  return {
    coop: s.coop(coop.name, role),
    log: `${checkpoint} · ${coop.unwitnessed ? s.unwitnessed : s.witnessed}`,
    evidence: coop.evidence.map((e) => e.summary),
    peers: tried.length ? s.peers(reached, tried.length) : null,
    offline: coop.operator !== me && operator?.reachable === false,
  };
}

/** The top bar's status for identity `me`, redrawn as the log grows. */
export function statusArea(me: string | null = null): HTMLElement {
  const area = h("div", { class: "status-area", id: "status-area", role: "status", "aria-label": en.status.label },
    h("span", { class: "muted small" }, en.loading));
  const draw = () => void api.coopStatus().then(
    (coop) => {
      const lines = statusLines(coop, me);
      mount(area,
        h("span", { id: "status-coop" }, lines.coop),
        lines.log ? h("span", { class: "muted small", id: "status-log", title: en.status.logHint }, lines.log) : null,
        lines.peers ? h("span", { class: "muted small", id: "status-peers" }, lines.peers) : null,
        lines.offline ? h("span", { class: "warning small", id: "status-offline" }, en.status.offline) : null,
        // Not an alert: this bar is drawn again on every screen. The Cooperative screen
        // announces evidence.
        lines.evidence.map((e) => h("span", { class: "evidence" }, en.status.evidence(e))));
    },
    (err) => mount(area, h("span", {
      class: errorCode(err) === "input.join_awaiting_review" ? "muted small" : "error small",
      id: "status-coop",
    }, errorCode(err) === "input.join_awaiting_review" ? en.status.awaiting : errorMessage(err))),
  );
  draw();
  onLogChanged(area, draw);
  return area;
}
