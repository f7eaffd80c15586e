// Activity: a timeline of everything that touched the member's data, as the log records
// it, filterable by kind and exportable as CSV or JSON.

import type { ActivityEntry } from "../api/bindings";
import { api } from "../api/commands";
import { h, mount, technical } from "../dom";
import { errorMessage } from "../errors";
import { formatDateTime } from "../format";
import { en } from "../i18n/en";
import { onLogChanged } from "../live";
import { activitySentence, filterActivity, type ActivityFilter } from "../statements";
import { exportButtons } from "./statement";

export function activityView(me: string): HTMLElement {
  const t = en.activity;
  const body = h("div", { id: "activity-body" }, h("div", { class: "skeleton" }));
  const filter = h("select", { id: "activity-filter" },
    (Object.keys(t.filters) as ActivityFilter[]).map((f) => h("option", { value: f }, t.filters[f])));
  let entries: ActivityEntry[] = [];
  const draw = () => {
    const shown = filterActivity(entries, filter.value as ActivityFilter);
    mount(body, shown.length === 0
      ? h("p", { class: "empty", id: "activity-empty" }, t.empty)
      : h("ol", { class: "timeline", id: "activity" }, shown.map((e) => row(e, me))));
  };
  filter.addEventListener("change", draw);
  const load = async () => {
    try {
      const read = await api.activity();
      if (read === null) {
        mount(body, h("p", { class: "empty", id: "activity-empty" }, en.access.notInCoop));
        return;
      }
      entries = read.reverse();
      draw();
    } catch (err) {
      mount(body, h("p", { class: "error", role: "alert" }, errorMessage(err)));
    }
  };
  const root = h("div", { class: "page" },
    h("h1", { tabindex: -1, "data-focus": true }, t.title),
    h("p", { class: "muted" }, t.intro),
    h("div", { class: "toolbar" },
      h("div", { class: "field inline" }, h("label", { for: "activity-filter" }, t.filter), filter),
      exportButtons("activity", t)),
    body);
  onLogChanged(root, () => void load());
  void load();
  return root;
}

function row(e: ActivityEntry, me: string): HTMLElement {
  const t = en.activity;
  return h("li", { class: "timeline-row", "data-kind": e.kind },
    h("span", { class: "muted small timeline-when" },
      e.time === null ? `${formatDateTime(e.claimed_time)} (${t.notWitnessed})` : formatDateTime(e.time)),
    h("span", { class: "timeline-what" }, activitySentence(e, me)),
    technical({ class: "technical timeline-tech" },
      h("dl", { class: "details" }, h("dt", {}, t.operation), h("dd", { class: "mono small" }, e.operation))));
}
