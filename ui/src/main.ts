// The window: reads the app's state, shows the matching screen, routes events.

import { getCurrentWebview } from "@tauri-apps/api/webview";
import { api } from "./api/commands";
import type { AppStatus } from "./api/bindings";
import { h, mount } from "./dom";
import { errorMessage } from "./errors";
import { en } from "./i18n/en";
import { kitConfirmed, markKitConfirmed } from "./kitReminder";
import { next, type Event, type Screen, type Section } from "./state";
import { applyTheme, loadTheme } from "./theme";
import { loadCloseQuits } from "./closing";
import { datasetView, firstDataView, myDataView, type DataContext } from "./views/data";
import {
  coopStepView, createView, inUseView, kitView, restoreView, unavailableView, unlockView, welcomeView,
} from "./views/onboarding";
import { consentView } from "./views/consent";
import { cooperativeView } from "./views/coop";
import { logChanged } from "./live";
import { logView } from "./views/log";
import { grantsView, requestsView } from "./views/access";
import { activityView } from "./views/activity";
import { earningsView } from "./views/earnings";
import { settingsView } from "./views/settings";
import { statusArea } from "./views/status";
import { bell } from "./views/bell";

const app = document.getElementById("app") as HTMLElement;
let screen: Screen = { name: "loading" };
let busy = false;
let dropTarget: ((paths: string[]) => void) | null = null;
let datasetsChanged: (() => void) | null = null;
let following = false;
/** What leaving the current screen would lose (datasets with unsaved consent edits). */
let leaveGuard: (() => string[]) | null = null;
/** Set by a restore from a kit: the next screens say what came back, until dismissed. */
let restoredNotice = false;

function go(event: Event): void {
  const before = screen;
  screen = next(screen, event);
  if (screen !== before) render();
}

/** Listens to the node once the app owns its home: the screens it draws follow changes
 * made elsewhere (a `datacoop data add` through the app's socket) without polling. */
function follow(status: AppStatus): void {
  if (following || status.state === "in_use" || status.state === "unavailable") return;
  following = true;
  api.followEvents((event) => {
    if (event.event === "datasets_changed" || event.event === "missed") datasetsChanged?.();
    if (
      event.event === "log_appended" || event.event === "peers_changed" || event.event === "missed" ||
      event.event === "grant_ended" || event.event === "request_key_wiped"
    ) logChanged();
  }).catch(() => (following = false));
}

async function refresh(): Promise<void> {
  try {
    const status = await api.appState();
    follow(status);
    go({ type: "status", status });
  } catch (err) {
    mount(app, h("main", { class: "onboarding" }, h("div", { class: "card narrow" },
      h("h1", {}, en.unavailable.title), h("p", { role: "alert" }, errorMessage(err)))));
  }
}

const dataContext: DataContext = {
  openDataset: (dataset) => go({ type: "open_dataset", dataset }),
  closeDataset: () => go({ type: "close_dataset" }),
  setBusy: (b) => {
    busy = b;
    // While an add or export runs, its progress panel must stay in view: locking and
    // leaving the screen wait until it ends or is cancelled.
    const lock = document.getElementById("lock") as HTMLButtonElement | null;
    if (lock) {
      lock.disabled = b;
      lock.title = b ? en.nav.lockBusy : "";
    }
    for (const button of document.querySelectorAll<HTMLButtonElement>(".nav-item, #back-to-data")) {
      button.disabled = b;
      button.title = b ? en.nav.leaveBusy : "";
    }
  },
  setDropTarget: (target) => (dropTarget = target),
  onDatasetsChanged: (reload) => (datasetsChanged = reload),
};

/** Runs `proceed` at once, or after the person agreed to lose unsaved edits. */
function leaving(proceed: () => void): void {
  const unsaved = leaveGuard?.() ?? [];
  if (unsaved.length === 0) {
    proceed();
    return;
  }
  const c = en.consent;
  const stay = h("button", { class: "primary", id: "leave-stay", autofocus: true }, c.stay);
  const leave = h("button", { class: "secondary", id: "leave-anyway" }, c.leave);
  const dialog = h("dialog", { id: "leave-dialog", "aria-labelledby": "leave-title", "aria-describedby": "leave-body" },
    h("h2", { id: "leave-title" }, c.leaveTitle),
    h("p", { id: "leave-body" }, c.leaveBody(unsaved.join(", "))),
    h("div", { class: "actions" }, leave, stay));
  const opener = document.activeElement as HTMLElement | null;
  dialog.addEventListener("close", () => {
    dialog.remove();
    if (dialog.returnValue === "leave") proceed();
    else opener?.focus();
  });
  stay.addEventListener("click", () => dialog.close("stay"));
  leave.addEventListener("click", () => dialog.close("leave"));
  document.body.append(dialog);
  dialog.showModal();
  stay.focus();
}

function shell(s: Extract<Screen, { name: "main" }>, content: HTMLElement): HTMLElement {
  const item = (id: string, label: string, section: Section) =>
    h("li", {}, h("button", {
      id, class: "nav-item", disabled: busy, title: busy ? en.nav.leaveBusy : undefined,
      "aria-current": s.section === section ? "page" : undefined,
      onclick: () => leaving(() => go({ type: "navigate", section })),
    }, label));
  return h("div", { class: "shell" },
    h("header", { class: "topbar" },
      h("span", { class: "brand" }, en.appName),
      statusArea(s.identity.id),
      bell(),
      h("span", { class: "muted small", id: "signed-in" }, en.nav.signedInAs(s.identity.name)),
      h("button", {
        id: "lock", class: "secondary", disabled: busy, title: busy ? en.nav.lockBusy : undefined,
        onclick: () => leaving(async () => {
          // Locking cancels and waits for work still running (from the command line too).
          await api.lock();
          go({ type: "locked", home: s.home });
        }),
      }, en.nav.lock)),
    h("nav", { class: "sidebar", "aria-label": en.nav.label },
      h("ul", {},
        item("nav-data", en.nav.myData, "data"),
        item("nav-consent", en.nav.consent, "consent"),
        item("nav-requests", en.nav.requests, "requests"),
        item("nav-grants", en.nav.grants, "grants"),
        item("nav-activity", en.nav.activity, "activity"),
        item("nav-earnings", en.nav.earnings, "earnings"),
        item("nav-log", en.nav.log, "log"),
        item("nav-cooperative", en.nav.cooperative, "cooperative"),
        item("nav-settings", en.nav.settings, "settings"))),
    h("main", { class: "content", id: "main" },
      restoredNotice ? restoredBanner(s.identity.name) : null,
      kitConfirmed(s.identity.id) || s.section === "settings" ? null : kitBanner(),
      content));
}

/** After a restore: what came back (identity, any datasets and cooperative this data
 * folder still held) and what a kit cannot bring back. */
function restoredBanner(name: string): HTMLElement {
  const r = en.restoredBanner;
  const list = h("ul", {}, h("li", {}, r.identity(name)));
  void Promise.all([api.listDatasets(), api.coopStatus()]).then(([datasets, coop]) => {
    list.append(
      h("li", {}, datasets.length > 0 ? r.files(datasets.length) : r.noFiles),
      h("li", {}, coop ? r.coop(coop.name) : r.noCoop));
  }, () => undefined);
  const banner = h("div", { class: "banner", id: "restored-banner", role: "status" },
    h("div", {}, h("p", {}, h("strong", {}, r.title)), list),
    h("button", {
      class: "secondary", id: "restored-dismiss",
      onclick: () => {
        restoredNotice = false;
        banner.remove();
        document.querySelector<HTMLElement>("#main [data-focus]")?.focus();
      },
    }, r.dismiss));
  return banner;
}

/** Says that no recovery kit was confirmed saved, and leads to making one. */
function kitBanner(): HTMLElement {
  return h("div", { class: "banner", id: "kit-banner", role: "status" },
    h("p", {}, en.kitBanner.text),
    h("button", {
      class: "secondary", id: "kit-banner-open",
      onclick: () => go({ type: "navigate", section: "settings" }),
    }, en.kitBanner.action));
}

function render(): void {
  dropTarget = null;
  datasetsChanged = null;
  leaveGuard = null;
  const s = screen;
  let view: HTMLElement;
  switch (s.name) {
    case "loading":
      view = h("main", { class: "onboarding" }, h("p", { class: "muted" }, en.loading));
      break;
    case "welcome":
      view = welcomeView(() => go({ type: "start" }), () => go({ type: "restore" }));
      break;
    case "restore":
      view = restoreView(() => go({ type: "back" }), async (identity) => {
        // Restored from a kit: the person has one.
        markKitConfirmed(identity.id);
        restoredNotice = true;
        const status = await api.appState();
        go({ type: "restored", identity, home: status.home });
      });
      break;
    case "create":
      view = createView(() => go({ type: "back" }), (created) => go({ type: "created", created }));
      break;
    case "kit":
      view = kitView(s.created, async () => {
        markKitConfirmed(s.created.identity.id);
        const status = await api.appState();
        go({ type: "kit_saved", home: status.home });
      });
      break;
    case "coop_step":
      view = coopStepView(() => go({ type: "coop_done" }));
      break;
    case "first_data":
      view = firstDataView(dataContext, () => go({ type: "first_data_done" }));
      break;
    case "unlock":
      view = unlockView(s.home, (identity) => go({ type: "unlocked", identity, home: s.home }), () => go({ type: "restore" }));
      break;
    case "in_use":
      view = inUseView(s.home, s.ownerKind, s.ownerPid, (status) => {
        follow(status);
        go({ type: "status", status });
      });
      break;
    case "unavailable":
      view = unavailableView(s.home, s.message, (status) => {
        follow(status);
        go({ type: "status", status });
      });
      break;
    case "main": {
      const toCooperative = () => go({ type: "navigate", section: "cooperative" });
      const content =
        s.section === "settings"
          ? settingsView(s.home, s.identity)
          : s.section === "consent"
            ? consentView({
              toCooperative,
              toData: () => go({ type: "navigate", section: "data" }),
              setLeaveGuard: (unsaved) => (leaveGuard = unsaved),
            })
            : s.section === "requests"
              ? requestsView(dataContext)
              : s.section === "grants"
                ? grantsView()
              : s.section === "activity"
                ? activityView(s.identity.id)
              : s.section === "earnings"
                ? earningsView()
            : s.section === "log"
              ? logView(s.identity.id, toCooperative)
              : s.section === "cooperative"
                ? cooperativeView(s.identity, () => go({ type: "refresh" }))
                : s.dataset
                  ? datasetView(dataContext, s.dataset)
                  : myDataView(dataContext);
      view = shell(s, content);
      break;
    }
  }
  mount(app, view);
  (app.querySelector<HTMLElement>("[data-focus]") ?? app.querySelector<HTMLElement>("h1"))?.focus();
}

function watchDrops(): void {
  const overlay = h("div", { class: "drop-overlay", hidden: true, "aria-hidden": "true" }, h("p", {}, en.add.dropHere));
  document.body.append(overlay);
  void getCurrentWebview()
    .onDragDropEvent((event) => {
      const p = event.payload;
      if (p.type === "enter" || p.type === "over") overlay.hidden = dropTarget === null;
      else if (p.type === "leave") overlay.hidden = true;
      else if (p.type === "drop") {
        overlay.hidden = true;
        if (dropTarget && p.paths.length) dropTarget(p.paths);
      }
    })
    .catch(() => undefined);
}

applyTheme(loadTheme());
render();
watchDrops();
// The tray's menu and the shell's own notices speak the window's language.
void api.shellWords(en.shell).catch(() => undefined);
void api.closeQuits(loadCloseQuits()).catch(() => undefined);
void refresh();
