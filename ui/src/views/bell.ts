// The bell in the top bar: notices about requests and grants (a question waiting for an
// answer, a request to review, a request approved or denied, keys released), read again
// whenever the log grows. Its state outlives screens: each notice is told once.

import { api } from "../api/commands";
import { h, mount } from "../dom";
import { en } from "../i18n/en";
import { onLogChanged } from "../live";
import { notices, type Notice, type Reading } from "../notices";

let before: Reading | null = null;
const told: Notice[] = [];
let unread = 0;
const redraws = new Set<{ el: Element; draw: () => void }>();

async function read(): Promise<void> {
  const [coop, requests, grants] = await Promise.all([api.coopStatus(), api.requestList(), api.grantList()]);
  if (!coop || requests === null) return;
  const after: Reading = { requests, grants, steward: coop.role === "steward" };
  const storeKey = `datacoop.toldGrants.${coop.id}`;
  const toldGrants = new Set<string>(JSON.parse(localStorage.getItem(storeKey) ?? "[]") as string[]);
  for (const notice of notices(before, after, toldGrants)) {
    if (told.some((t) => t.key === notice.key)) continue;
    told.unshift(notice);
    unread += 1;
    // Also outside the window, while it is hidden or behind another (the shell decides).
    void api.notifyOs(en.notices.osTitle, notice.text).catch(() => undefined);
  }
  before = after;
  localStorage.setItem(storeKey, JSON.stringify(grants.map((g) => g.id)));
  // Readings end after the screen that asked was drawn: a bell no longer shown is dropped.
  for (const part of [...redraws]) {
    if (part.el.isConnected) part.draw();
    else redraws.delete(part);
  }
}

/** A bell drawn inline (no emoji font needed), hidden from assistive technology: the
 * button's label says what it is. */
function bellIcon(): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "18");
  svg.setAttribute("height", "18");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", "bell-icon");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", "M12 3a6 6 0 0 0-6 6v4l-2 3h16l-2-3V9a6 6 0 0 0-6-6zm-2.5 15a2.5 2.5 0 0 0 5 0");
  svg.append(path);
  return svg;
}

/** The bell button and its list, for the top bar. */
export function bell(): HTMLElement {
  const n = en.notices;
  const count = h("span", { class: "bell-count", id: "bell-count", "aria-hidden": "true" });
  const button = h("button", {
    class: "secondary bell", id: "bell", type: "button", "aria-expanded": "false", "aria-controls": "bell-list",
  }, bellIcon(), count);
  const list = h("div", { class: "bell-list", id: "bell-list", role: "region", "aria-label": n.title, hidden: true });
  const root = h("div", { class: "bell-wrap" }, button, list);
  const draw = () => {
    button.setAttribute("aria-label", n.bell(unread));
    count.textContent = unread > 0 ? String(unread) : "";
    mount(list,
      h("h2", { class: "small" }, n.title),
      told.length === 0
        ? h("p", { class: "muted small" }, n.none)
        : h("ul", {}, told.map((t) => h("li", { "data-notice": t.key }, t.text))),
      h("button", {
        class: "secondary small", id: "bell-clear", type: "button",
        onclick: () => {
          unread = 0;
          draw();
        },
      }, n.clear));
  };
  button.addEventListener("click", () => {
    const open = list.hidden;
    list.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    if (open) {
      unread = 0;
      draw();
      list.querySelector<HTMLElement>("#bell-clear")?.focus();
    }
  });
  root.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !list.hidden) {
      list.hidden = true;
      button.setAttribute("aria-expanded", "false");
      button.focus();
    }
  });
  redraws.add({ el: root, draw });
  draw();
  onLogChanged(root, () => void read().catch(() => undefined));
  // Grants end with time, not only with the log: read again now and then.
  const every = window.setInterval(() => {
    if (root.isConnected) void read().catch(() => undefined);
    else window.clearInterval(every);
  }, 30_000);
  void read().catch(() => undefined);
  return root;
}
