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
    body);
  let fetching = false;
  const load = async () => {
    // A fetch in progress keeps its panel: the list redraws after it.
    if (fetching) return;
    try {
      const [coop, requests] = await Promise.all([api.coopStatus(), api.requestList()]);
      if (!coop || requests === null) {
        mount(body, h("p", { class: "empty", id: "requests-empty" }, en.access.notInCoop));
        return;
      }
      const trainer = coop.role === "trainer";
      mount(body,
        trainer ? newRequestForm(() => void load(), say) : null,
        trainer ? h("h2", {}, en.access.myRequestsTitle) : null,
        requests.length === 0
          ? h("p", { class: "empty", id: "requests-empty" }, en.access.noRequests)
          : h("ul", { class: "cards stack", id: "requests" },
            requests.map((r) => requestCard(r, coop, ctx, () => void load(), say, (on) => (fetching = on)))));
    } catch (err) {
      mount(body, h("p", { class: "error", role: "alert" }, errorMessage(err)));
    }
  };
  onLogChanged(root, () => void load());
  void load();
  return root;
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
    const reason = h("input", { class: "deny-reason", "aria-label": a.denyReason, placeholder: a.denyReason, hidden: true });
    const confirm = h("button", { class: "secondary deny-confirm", hidden: true }, a.denyConfirm);
    const deny = h("button", {
      class: "secondary request-deny",
      onclick: () => {
        deny.hidden = true;
        reason.hidden = false;
        confirm.hidden = false;
        reason.focus();
      },
    }, a.deny);
    confirm.addEventListener("click", () => {
      if (!reason.value.trim()) {
        failed(a.reasonMissing);
        reason.focus();
        return;
      }
      api.requestDeny(r.id, reason.value.trim()).then(reload, failed);
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
  if (r.mine && r.status === "approved") fetchSlot.append(fetchForm(r, ctx, fetchSlot, setFetching));
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

function fetchForm(r: RequestView, ctx: DataContext, slot: HTMLElement, setFetching: (on: boolean) => void): HTMLElement {
  const a = en.access;
  const folder = h("input", { class: "fetch-folder", "aria-label": a.fetchFolder, placeholder: "/home/you/datacoop-fetch" });
  const start = h("button", { class: "primary fetch-start", type: "submit" }, a.fetchStart);
  const result = h("p", { class: "fetch-result", role: "status" });
  const choose = h("button", {
    class: "secondary fetch-choose", type: "button",
    onclick: async () => {
      const picked = await open({ directory: true, multiple: false }).catch(() => null);
      if (typeof picked === "string") folder.value = picked;
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
      result.textContent = a.fetched(report.files, formatBytes(report.bytes), report.out);
    }, (err) => {
      result.textContent = errorMessage(err);
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
  let loading = false;
  const load = async () => {
    loading = true;
    try {
      const [grants, coop] = await Promise.all([api.grantList(), api.coopStatus()]);
      const steward = coop?.role === "steward";
      mount(list, grants.length === 0
        ? h("p", { class: "empty", id: "grants-empty" }, a.noGrants)
        : h("ul", { class: "cards stack", id: "grants" },
          grants.map((g) => grantCard(g, steward, () => void load(), say))));
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

function grantCard(g: GrantView, steward: boolean, reload: () => void, say: (text: string) => void): HTMLElement {
  const a = en.access;
  const state = grantState(g);
  const error = h("p", { class: "error", role: "alert", hidden: true });
  const actions = h("div", { class: "actions start" });
  if ((state === "live" || state === "pending") && (g.mine || steward)) {
    const what = g.dataset ?? a.datasetOf(shortId(g.member));
    const reason = h("input", { class: "revoke-reason", "aria-label": a.revokeReason, placeholder: a.revokeReason });
    const confirm = h("button", { class: "primary revoke-confirm" }, a.revokeConfirm);
    const cancel = h("button", { class: "secondary revoke-cancel" }, a.revokeCancel);
    const ask = h("div", { class: "revoke-ask", role: "group", "aria-label": a.revokeTitle, hidden: true },
      h("p", { class: "revoke-title" }, h("strong", {}, a.revokeTitle)),
      h("p", {}, g.mine ? a.revokeBody(shortId(g.trainer), what) : a.revokeBodySteward(shortId(g.trainer), what)),
      reason,
      h("div", { class: "actions start" }, confirm, cancel));
    const open = h("button", {
      class: "secondary grant-revoke",
      onclick: () => {
        open.hidden = true;
        ask.hidden = false;
        reason.focus();
      },
    }, a.revoke);
    cancel.addEventListener("click", () => {
      ask.hidden = true;
      open.hidden = false;
      open.focus();
    });
    confirm.addEventListener("click", () => {
      confirm.disabled = true;
      api.grantRevoke(g.id, reason.value.trim() || null).then(() => {
        say(a.revokedDone);
        reload();
      }, (err) => {
        confirm.disabled = false;
        error.textContent = errorMessage(err);
        error.hidden = false;
      });
    });
    actions.append(open, ask);
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
