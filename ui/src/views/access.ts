// Requests and Grants. Stewards see the queue with its terms and who matches, approve,
// or deny with a reason; members in ask mode answer; trainers make requests, follow
// them and fetch what was released (with progress and Cancel). Grants says, one
// sentence each, who can decrypt which data until when, and what it earns.

import { open } from "@tauri-apps/plugin-dialog";
import { CATEGORY_SUGGESTIONS, PURPOSES, type CoopInfo, type GrantView, type Purpose, type RequestView } from "../api/bindings";
import { api, newJob } from "../api/commands";
import { grantSentence, grantState, periodText, requestStatusText, shortId } from "../access";
import { h, mount, technical } from "../dom";
import { errorMessage } from "../errors";
import { formatBytes, formatDuration } from "../format";
import { en } from "../i18n/en";
import { onLogChanged } from "../live";
import type { DataContext } from "./data";
import { progressPanel } from "./progress";

function purposeText(p: Purpose): string {
  return en.purposes[p].plain;
}

export function requestsView(ctx: DataContext): HTMLElement {
  const formSlot = h("div", { id: "request-form-slot" });
  const body = h("div", { id: "requests-body" }, h("div", { class: "skeleton" }));
  const notice = h("p", { class: "success", id: "requests-notice", role: "status", hidden: true });
  const say = (text: string) => {
    notice.textContent = text;
    notice.hidden = false;
  };
  const root = h("div", { class: "page" },
    h("h1", { tabindex: -1, "data-focus": true }, en.access.requestsTitle),
    h("p", { class: "muted" }, en.access.requestsIntro),
    notice,
    formSlot,
    body);
  // The list redraws on every change of the log (a heartbeat's checkpoint is one), so
  // what the person typed or was told lives here, not in the cards.
  const kept: CardState = { folders: new Map(), outcomes: new Map(), reasons: new Map() };
  let fetching = false;
  let missed = false;
  const setFetching = (on: boolean) => {
    fetching = on;
    if (!on && missed) {
      missed = false;
      void load();
    }
  };
  const load = async () => {
    // A fetch in progress keeps its panel: the list redraws after it.
    if (fetching) {
      missed = true;
      return;
    }
    try {
      const [coop, requests] = await Promise.all([api.coopStatus(), api.requestList()]);
      const focus = focusedInCard(body, "request");
      if (!coop || requests === null) {
        formSlot.replaceChildren();
        mount(body, h("p", { class: "empty", id: "requests-empty" }, en.access.notInCoop));
        return;
      }
      const trainer = coop.role === "trainer";
      // Drawn once, so a half-typed request survives the list redrawing under it.
      if (trainer && formSlot.childElementCount === 0) formSlot.append(newRequestForm(() => void load(), say));
      if (!trainer) formSlot.replaceChildren();
      mount(body,
        trainer ? h("h2", {}, en.access.myRequestsTitle) : null,
        requests.length === 0
          ? h("p", { class: "empty", id: "requests-empty" }, en.access.noRequests)
          : h("ul", { class: "cards stack", id: "requests" },
            requests.map((r) => requestCard(r, coop, ctx, kept, () => void load(), say, setFetching))));
      focus?.();
    } catch (err) {
      mount(body, h("p", { class: "error", role: "alert" }, errorMessage(err)));
    }
  };
  onLogChanged(root, () => void load());
  void load();
  return root;
}

/**
 * Remembers which control of which request card has the keyboard focus, and returns a
 * function that gives it back to the same control once the list is drawn again.
 */
function focusedInCard(list: HTMLElement, key: "request" | "grant"): (() => void) | null {
  const el = document.activeElement;
  if (!(el instanceof HTMLElement) || !list.contains(el)) return null;
  const card = el.closest<HTMLElement>(`[data-${key}]`);
  // Cards name their controls by a class such as fetch-folder or deny-reason.
  const control = [...el.classList].find((c) => /^(fetch|deny|request|answer|grant|revoke)-/.test(c));
  if (!card || !control) return null;
  const caret = el instanceof HTMLInputElement ? el.selectionStart : null;
  const id = card.dataset[key] ?? "";
  return () => {
    const again = list.querySelector<HTMLElement>(`[data-${key}="${CSS.escape(id)}"] .${CSS.escape(control)}`);
    if (!again || again.hidden) return;
    again.focus();
    if (again instanceof HTMLInputElement && caret !== null) again.setSelectionRange(caret, caret);
  };
}

/** What a person typed into, or was told on, a request's card, by request id. */
interface CardState {
  folders: Map<string, string>;
  outcomes: Map<string, string>;
  reasons: Map<string, string>;
}

function newRequestForm(onSent: () => void, say: (text: string) => void): HTMLElement {
  const a = en.access;
  const field = (id: string, label: string, input: HTMLElement, hint?: string) =>
    h("div", { class: "field" }, h("label", { for: id }, label), input,
      hint ? h("p", { class: "hint" }, hint) : null);
  const category = h("input", { id: "request-category", list: "request-categories", value: "fitness", required: true });
  const purpose = h("select", { id: "request-purpose" },
    PURPOSES.map((p) => h("option", { value: p.name }, purposeText(p.name))));
  const days = h("input", { id: "request-days", type: "number", min: 1, value: 30, required: true });
  const license = h("input", { id: "request-license", value: "CC-BY-NC-4.0", required: true });
  const credits = h("input", { id: "request-credits", type: "number", min: 0, value: 5 });
  const error = h("p", { class: "error", id: "request-error", role: "alert", hidden: true });
  const send = h("button", { class: "primary", id: "request-send", type: "submit" }, a.send);
  const form = h("form", { class: "card", id: "request-form", "aria-labelledby": "request-title" },
    h("h2", { id: "request-title" }, a.newRequest),
    h("p", { class: "muted" }, a.newRequestIntro),
    h("datalist", { id: "request-categories" }, CATEGORY_SUGGESTIONS.map((c) => h("option", { value: c }))),
    field("request-category", a.category, category),
    field("request-purpose", a.purpose, purpose),
    field("request-days", a.periodDays, days),
    field("request-license", a.license, license, a.licenseHint),
    field("request-credits", a.credits, credits),
    error,
    h("div", { class: "actions" }, send));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    send.disabled = true;
    send.textContent = a.sending;
    error.hidden = true;
    api.requestCreate({
      category: category.value.trim(),
      purpose: purpose.value,
      period_secs: Math.max(1, Math.round(Number(days.value))) * 86_400,
      license: license.value.trim(),
      credits: Math.max(0, Math.round(Number(credits.value) || 0)),
      deadline_secs: null,
    }).then(() => {
      say(a.sent);
      onSent();
    }, (err) => {
      error.textContent = errorMessage(err);
      error.hidden = false;
    }).finally(() => {
      send.disabled = false;
      send.textContent = a.send;
    });
  });
  return form;
}

function requestCard(
  r: RequestView,
  coop: CoopInfo,
  ctx: DataContext,
  kept: CardState,
  reload: () => void,
  say: (text: string) => void,
  setFetching: (on: boolean) => void,
): HTMLElement {
  const a = en.access;
  const steward = coop.role === "steward";
  const error = h("p", { class: "error", role: "alert", hidden: true });
  const failed = (err: unknown) => {
    error.textContent = errorMessage(err);
    error.hidden = false;
  };
  const actions = h("div", { class: "actions" });
  if (steward && r.status === "pending" && !r.approved_by_me) {
    // A reason being written stays open, with its text, when the list redraws.
    const writing = kept.reasons.get(r.id);
    const writingReason = writing !== undefined;
    const reason = h("input", {
      class: "deny-reason", "aria-label": a.denyReason, placeholder: a.denyReason, hidden: !writingReason,
      value: writing ?? "",
      oninput: () => kept.reasons.set(r.id, reason.value),
    });
    const confirm = h("button", { class: "secondary deny-confirm", hidden: !writingReason }, a.denyConfirm);
    const deny = h("button", {
      class: "secondary request-deny",
      hidden: writingReason,
      onclick: () => {
        deny.hidden = true;
        reason.hidden = false;
        confirm.hidden = false;
        kept.reasons.set(r.id, reason.value);
        reason.focus();
      },
    }, a.deny);
    confirm.addEventListener("click", () => {
      if (!reason.value.trim()) {
        failed(a.reasonMissing);
        reason.focus();
        return;
      }
      api.requestDeny(r.id, reason.value.trim()).then(() => {
        kept.reasons.delete(r.id);
        reload();
      }, failed);
    });
    actions.append(
      h("button", { class: "primary request-approve", onclick: () => api.requestApprove(r.id).then(reload, failed) }, a.approve),
      deny, reason, confirm);
  } else if (r.approved_by_me) {
    actions.append(h("span", { class: "muted small" }, a.approvedByYou));
  }
  let asks: HTMLElement | null = null;
  if (r.asks_me.length > 0) {
    const answer = (accept: boolean) =>
      api.consentAnswer(r.id, accept).then(() => {
        say(a.answered);
        reload();
      }, failed);
    asks = h("div", { class: "asks" },
      h("p", {}, a.asksYou(r.asks_me.join(", "))),
      h("div", { class: "actions" },
        h("button", { class: "primary answer-accept", onclick: () => void answer(true) }, a.accept),
        h("button", { class: "secondary answer-decline", onclick: () => void answer(false) }, a.decline)));
  }
  const fetchSlot = h("div", { class: "fetch-slot" });
  if (r.mine && r.status === "approved") fetchSlot.append(fetchForm(r, ctx, kept, fetchSlot, setFetching));
  return h("li", { class: "card request", "data-request": r.id, "data-status": r.status },
    h("h3", {}, `${r.categories.join(", ")} · ${r.license}`),
    h("p", {}, a.terms(purposeText(r.purpose), r.categories.join(", "), periodText(r.period_secs), r.license, r.credits)),
    h("p", { class: "muted small" }, `${a.byTrainer(shortId(r.trainer))} · ${shortId(r.id)}`),
    h("p", { class: "request-status", role: "status" }, requestStatusText(r)),
    r.pending.length > 0 ? h("p", { class: "muted small" }, a.pendingMembers(r.pending.length)) : null,
    asks,
    actions,
    fetchSlot,
    error);
}

function fetchForm(
  r: RequestView,
  ctx: DataContext,
  kept: CardState,
  slot: HTMLElement,
  setFetching: (on: boolean) => void,
): HTMLElement {
  const a = en.access;
  const folder = h("input", {
    class: "fetch-folder", "aria-label": a.fetchFolder, placeholder: "/home/you/datacoop-fetch",
    value: kept.folders.get(r.id) ?? "",
    oninput: () => kept.folders.set(r.id, folder.value),
  });
  const start = h("button", { class: "primary fetch-start", type: "submit" }, a.fetchStart);
  const result = h("p", { class: "fetch-result", role: "status" }, kept.outcomes.get(r.id) ?? "");
  const tell = (text: string) => {
    kept.outcomes.set(r.id, text);
    result.textContent = text;
  };
  const choose = h("button", {
    class: "secondary fetch-choose", type: "button",
    onclick: async () => {
      const picked = await open({ directory: true, multiple: false }).catch(() => null);
      if (typeof picked === "string") {
        folder.value = picked;
        kept.folders.set(r.id, picked);
      }
    },
  }, a.fetchChoose);
  const form = h("form", { class: "fetch" },
    h("h4", {}, a.fetchTitle),
    h("div", { class: "fetch-row" }, folder, choose),
    h("p", { class: "hint" }, a.fetchFolderHint),
    h("div", { class: "actions" }, start),
    result);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const out = folder.value.trim();
    if (!out) {
      folder.focus();
      return;
    }
    const job = newJob();
    const panel = progressPanel(a.fetching, () => void api.cancelJob(job));
    slot.append(panel.el);
    start.disabled = true;
    setFetching(true);
    ctx.setBusy(true);
    api.fetch(job, { id: r.id, out, wait_secs: null, all: false }, (p) => panel.update(p)).then((report) => {
      tell(a.fetched(report.files, formatBytes(report.bytes), report.out));
    }, (err) => {
      tell(errorMessage(err));
    }).finally(() => {
      panel.end();
      start.disabled = false;
      setFetching(false);
      ctx.setBusy(false);
    });
  });
  return form;
}

export function grantsView(): HTMLElement {
  const a = en.access;
  const list = h("div", { id: "grants-body" }, h("div", { class: "skeleton" }));
  const notice = h("p", { class: "success", id: "grants-notice", role: "status", hidden: true });
  const root = h("div", { class: "page" },
    h("h1", { tabindex: -1, "data-focus": true }, a.grantsTitle),
    h("p", { class: "muted" }, a.grantsIntro),
    notice,
    list);
  const say = (text: string) => {
    notice.textContent = text;
    notice.hidden = false;
  };
  // A revocation being written survives the list redrawing (each checkpoint redraws it).
  const reasons = new Map<string, string>();
  let loading = false;
  const load = async () => {
    loading = true;
    try {
      const [grants, coop] = await Promise.all([api.grantList(), api.coopStatus()]);
      const steward = coop?.role === "steward";
      const focus = focusedInCard(list, "grant");
      mount(list, grants.length === 0
        ? h("p", { class: "empty", id: "grants-empty" }, a.noGrants)
        : h("ul", { class: "cards stack", id: "grants" },
          grants.map((g) => grantCard(g, steward, reasons, () => void load(), say))));
      focus?.();
      tick();
    } catch (err) {
      mount(list, h("p", { class: "error", role: "alert" }, errorMessage(err)));
    } finally {
      loading = false;
    }
  };
  // Counts each live grant down; when one reaches its end, reads the grants again (the
  // node then says it expired).
  const tick = () => {
    const now = Date.now() / 1000;
    let ended = false;
    for (const el of list.querySelectorAll<HTMLElement>("[data-ends]")) {
      const end = Number(el.dataset.ends);
      el.textContent = end > now ? a.timeLeft(formatDuration(end - now)) : a.closing;
      ended ||= end <= now && el.dataset.reread !== "done";
      if (end <= now) el.dataset.reread = "done";
    }
    if (ended && !loading) window.setTimeout(() => void load(), 1500);
  };
  const timer = window.setInterval(() => {
    if (!root.isConnected) {
      window.clearInterval(timer);
      return;
    }
    tick();
  }, 1000);
  onLogChanged(root, () => void load());
  void load();
  return root;
}

function grantCard(
  g: GrantView,
  steward: boolean,
  reasons: Map<string, string>,
  reload: () => void,
  say: (text: string) => void,
): HTMLElement {
  const a = en.access;
  const state = grantState(g);
  const error = h("p", { class: "error", role: "alert", hidden: true });
  const actions = h("div", { class: "actions start" });
  if ((state === "live" || state === "pending") && (g.mine || steward)) {
    const what = g.dataset ?? a.datasetOf(shortId(g.member));
    const writing = reasons.get(g.id);
    const reason = h("input", {
      class: "revoke-reason", "aria-label": a.revokeReason, placeholder: a.revokeReason,
      value: writing ?? "",
      oninput: () => reasons.set(g.id, reason.value),
    });
    const confirm = h("button", { class: "primary revoke-confirm" }, a.revokeConfirm);
    const cancel = h("button", { class: "secondary revoke-cancel" }, a.revokeCancel);
    const ask = h("div", { class: "revoke-ask", role: "group", "aria-label": a.revokeTitle, hidden: writing === undefined },
      h("p", { class: "revoke-title" }, h("strong", {}, a.revokeTitle)),
      h("p", {}, g.mine ? a.revokeBody(shortId(g.trainer), what) : a.revokeBodySteward(shortId(g.trainer), what)),
      reason,
      h("div", { class: "actions start" }, confirm, cancel));
    const start = h("button", {
      class: "secondary grant-revoke",
      hidden: writing !== undefined,
      onclick: () => {
        start.hidden = true;
        ask.hidden = false;
        reasons.set(g.id, reason.value);
        reason.focus();
      },
    }, a.revoke);
    cancel.addEventListener("click", () => {
      reasons.delete(g.id);
      ask.hidden = true;
      start.hidden = false;
      start.focus();
    });
    confirm.addEventListener("click", () => {
      confirm.disabled = true;
      api.grantRevoke(g.id, reason.value.trim() || null).then(() => {
        reasons.delete(g.id);
        say(a.revokedDone);
        reload();
      }, (err) => {
        confirm.disabled = false;
        error.textContent = errorMessage(err);
        error.hidden = false;
      });
    });
    actions.append(start, ask);
  }
  return h("li", { class: "card grant", "data-grant": g.id, "data-dataset": g.dataset ?? "", "data-state": state },
    h("p", { class: "grant-sentence" }, grantSentence(g)),
    state === "live" ? h("p", { class: "countdown", "data-ends": g.window_end, role: "timer" }) : null,
    g.served_requests > 0
      ? h("p", { class: "muted small grant-served" }, a.served(g.served_requests, formatBytes(g.served_bytes)))
      : null,
    actions,
    error,
    technical({},
      h("dl", { class: "details" },
        h("dt", {}, a.technical.grant), h("dd", { class: "mono" }, g.id),
        h("dt", {}, a.technical.request), h("dd", { class: "mono" }, g.request),
        h("dt", {}, a.technical.epochs), h("dd", {}, `${g.first_epoch}–${g.last_epoch}`),
        h("dt", {}, a.technical.root), h("dd", { class: "mono" }, g.root),
        h("dt", {}, a.technical.capability), h("dd", { class: "mono" }, g.capability))));
}
