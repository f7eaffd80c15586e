// Earnings: credits per grant and in total, from the member's own release operations on
// the log, with a small chart of the running total over time, exportable.

import type { Earning, Earnings } from "../api/bindings";
import { api } from "../api/commands";
import { shortId } from "../access";
import { h, mount } from "../dom";
import { errorMessage } from "../errors";
import { formatCount, formatDate, formatDateTime } from "../format";
import { en } from "../i18n/en";
import { onLogChanged } from "../live";
import { chartPath, earningPoints } from "../statements";
import { exportButtons } from "./statement";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 600;
const HEIGHT = 140;

export function earningsView(): HTMLElement {
  const t = en.earnings;
  const body = h("div", { id: "earnings-body" }, h("div", { class: "skeleton" }));
  const load = async () => {
    try {
      const earnings = await api.earnings();
      if (earnings === null) {
        mount(body, h("p", { class: "empty", id: "earnings-empty" }, en.access.notInCoop));
        return;
      }
      mount(body, earnings.grants.length === 0
        ? h("p", { class: "empty", id: "earnings-empty" }, t.empty)
        : [
          h("p", { class: "earnings-total", id: "earnings-total" }, t.total(formatCount(earnings.total))),
          chart(earnings),
          table(earnings.grants),
        ]);
    } catch (err) {
      mount(body, h("p", { class: "error", role: "alert" }, errorMessage(err)));
    }
  };
  const root = h("div", { class: "page" },
    h("h1", { tabindex: -1, "data-focus": true }, t.title),
    h("p", { class: "muted" }, t.intro),
    exportButtons("earnings", t),
    body);
  onLogChanged(root, () => void load());
  void load();
  return root;
}

/** The running total as a step line; its label says the same in words. */
function chart(earnings: Earnings): Element | null {
  const t = en.earnings;
  const points = earningPoints(earnings);
  if (points.length === 0) return null;
  const last = points[points.length - 1];
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${WIDTH} ${HEIGHT}`);
  svg.setAttribute("class", "earnings-chart");
  svg.setAttribute("id", "earnings-chart");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `${t.chart}: ${t.chartPoint(formatDate(last.time), formatCount(last.total))}`);
  const until = Math.max(Date.now() / 1000, last.time);
  const axis = document.createElementNS(SVG, "path");
  axis.setAttribute("d", `M0 0 V${HEIGHT} H${WIDTH}`);
  axis.setAttribute("class", "earnings-axis");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", chartPath(points, WIDTH, HEIGHT - 4, until));
  path.setAttribute("class", "earnings-line");
  svg.append(axis, path);
  return h("figure", { class: "card earnings-figure" },
    h("p", { class: "muted small earnings-top" }, t.chartTop(formatCount(last.total))),
    svg,
    h("div", { class: "earnings-span muted small" },
      h("span", {}, formatDate(points[0].time)), h("span", {}, formatDate(until))),
    h("figcaption", { class: "muted small" }, t.chart));
}

function table(grants: Earning[]): HTMLElement {
  const c = en.earnings.columns;
  return h("div", { class: "table-wrap" }, h("table", { class: "files earnings", id: "earnings-table" },
    h("thead", {}, h("tr", {},
      h("th", { scope: "col" }, c.when),
      h("th", { scope: "col" }, c.dataset),
      h("th", { scope: "col" }, c.trainer),
      h("th", { scope: "col", class: "num" }, c.credits),
      h("th", { scope: "col" }, c.state))),
    h("tbody", {}, grants.map((g) => h("tr", { "data-grant": g.grant, "data-status": g.status },
      h("td", {}, g.time === null ? en.earnings.notWitnessed : formatDateTime(g.time)),
      h("td", {}, g.dataset ?? ""),
      h("td", { class: "mono small" }, shortId(g.trainer)),
      h("td", { class: "num" }, formatCount(g.credits)),
      h("td", {}, en.earnings.states[g.status]))))));
}
