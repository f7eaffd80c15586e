// The top bar's status area: which cooperative, the log's latest checkpoint and whether
// anyone independent witnesses it, and any evidence of tampering, in red.

import type { CoopInfo } from "../api/bindings";
import { api } from "../api/commands";
import { h, mount } from "../dom";
import { errorMessage } from "../errors";
import { formatCount } from "../format";
import { en } from "../i18n/en";

/** What the status area says about `coop` (null: in no cooperative). */
export function statusLines(coop: CoopInfo | null): { coop: string; log: string | null; evidence: string[] } {
  const s = en.status;
  if (!coop) return { coop: s.noCoop, log: null, evidence: [] };
  const role = coop.role ? s.role[coop.role] : s.notMember;
  const checkpoint = coop.latest_checkpoint === null
    ? s.noCheckpoint
    : s.checkpoint(formatCount(coop.latest_checkpoint.size), coop.latest_checkpoint.size);
  return {
    coop: s.coop(coop.name, role),
    log: `${checkpoint} · ${coop.unwitnessed ? s.unwitnessed : s.witnessed}`,
    evidence: coop.evidence.map((e) => e.summary),
  };
}

export function statusArea(): HTMLElement {
  const area = h("div", { class: "status-area", id: "status-area", role: "status", "aria-label": en.status.label },
    h("span", { class: "muted small" }, en.loading));
  void api.coopStatus().then(
    (coop) => {
      const lines = statusLines(coop);
      mount(area,
        h("span", { id: "status-coop" }, lines.coop),
        lines.log ? h("span", { class: "muted small", id: "status-log", title: en.status.logHint }, lines.log) : null,
        // Not an alert: this bar is drawn again on every screen. The Cooperative screen
        // announces evidence.
        lines.evidence.map((e) => h("span", { class: "evidence" }, en.status.evidence(e))));
    },
    (err) => mount(area, h("span", { class: "error small" }, errorMessage(err))),
  );
  return area;
}
