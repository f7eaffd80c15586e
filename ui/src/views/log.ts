// The Log section: every operation of the cooperative's log in plain words, a button that
// verifies the whole log, and an offline-checkable proof for any operation.

import { save } from "@tauri-apps/plugin-dialog";
import type { LogEntry } from "../api/bindings";
import { api } from "../api/commands";
import { h, mount, reveal } from "../dom";
import { errorCode, errorMessage, isCommandError } from "../errors";
import { formatCount, formatDateTime } from "../format";
import { en } from "../i18n/en";

export function logView(me: string, toCooperative: () => void): HTMLElement {
  const l = en.log;
  const body = h("div", { id: "log-body" }, h("div", { class: "skeleton" }));
  const proofSlot = h("div", { id: "log-proof-slot" });
  const load = async () => {
    try {
      const coop = await api.coopStatus();
      if (!coop) {
        mount(body, h("div", { class: "empty", id: "log-empty" },
          h("p", {}, l.noCoopBody),
          h("button", { class: "primary", onclick: toCooperative }, en.consent.toCoop)));
        return;
      }
      const entries = await api.logEntries(0);
      let shown = 0;
      const onProof = (e: LogEntry) => {
        // Only the proof asked for last may draw, whatever order the answers come in.
        const mine = ++shown;
        void showProof(proofSlot, e, coop.unwitnessed, () => mine === shown);
      };
      mount(body, verifyCard(), h("h2", {}, l.operations), timeline(entries, me, onProof), proofSlot);
    } catch (err) {
      mount(body, h("p", { class: "error", role: "alert" }, errorMessage(err)));
    }
  };
  void load();
  return h("div", { class: "page" },
    h("h1", { tabindex: -1, "data-focus": true }, l.title),
    h("p", { class: "muted" }, l.intro),
    body);
}

function verifyCard(): HTMLElement {
  const l = en.log;
  const result = h("div", { id: "log-verify-result", role: "status" });
  const button = h("button", {
    class: "primary", id: "log-verify",
    onclick: async () => {
      button.disabled = true;
      button.textContent = l.verifying;
      try {
        const v = await api.logVerify();
        mount(result,
          h("p", { class: "success" }, l.verified(formatCount(v.operations), formatCount(v.checkpoints))),
          h("p", { class: "small" }, `${l.root}: `, h("span", { class: "mono" }, v.root)),
          v.unwitnessed ? h("p", { class: "muted small" }, l.unwitnessed) : null);
      } catch (err) {
        const text = errorCode(err) === "integrity.log" && isCommandError(err)
          ? l.failed(err.message)
          : errorMessage(err);
        mount(result, h("p", { class: "error evidence", role: "alert" }, text));
      } finally {
        button.disabled = false;
        button.textContent = l.verify;
        reveal(result);
      }
    },
  }, l.verify);
  return h("section", { class: "card" }, button, result);
}

function timeline(entries: LogEntry[], me: string, onProof: (e: LogEntry) => void): HTMLElement {
  const l = en.log;
  const c = l.columns;
  return h("div", { class: "table-wrap log-wrap" }, h("table", { class: "files log", id: "log-table" },
    h("caption", { class: "visually-hidden" }, l.operations),
    h("thead", {}, h("tr", {},
      h("th", { scope: "col", class: "num col-index" }, c.index),
      h("th", { scope: "col" }, c.what),
      h("th", { scope: "col", class: "col-who" }, c.who),
      h("th", { scope: "col", class: "col-when" }, c.when),
      h("th", { scope: "col", class: "col-proof" }, h("span", { class: "visually-hidden" }, l.proof)))),
    h("tbody", {}, entries.map((e) => h("tr", { "data-index": e.index, "data-kind": e.kind },
      h("td", { class: "num" }, String(e.index)),
      h("td", { class: "col-what" }, logRowText(e)),
      h("td", { class: "mono small col-who", title: e.author }, e.author === me ? l.you : `${e.author.slice(0, 12)}…`),
      h("td", { class: "muted col-when" }, formatDateTime(e.claimed_time)),
      h("td", {}, h("button", {
        class: "link", "aria-label": l.proofOf(e.index), "data-proof": e.index,
        onclick: () => onProof(e),
      }, l.proof)))))));
}

/** What a row says: the operation in words, a consent change as one, and the dataset
 * it is about when it is one of this member's. */
export function logRowText(e: LogEntry): string {
  const l = en.log;
  const what = e.consent_changed && e.kind === "ConsentWithdraw"
    ? l.changedOld
    : e.consent_changed && e.kind === "ConsentSet"
      ? l.changedNew
      : l.kinds[e.kind] ?? e.kind;
  return e.dataset ? l.aboutDataset(what, e.dataset) : what;
}

async function showProof(
  slot: HTMLElement,
  e: LogEntry,
  unwitnessed: boolean,
  current: () => boolean,
): Promise<void> {
  const l = en.log;
  const status = h("p", { id: "log-proof-status", role: "status" });
  let text: string;
  try {
    text = await api.logProof(e.id);
  } catch (err) {
    if (current()) mount(slot, h("p", { class: "error", role: "alert" }, errorMessage(err)));
    return;
  }
  if (!current()) return;
  const pre = h("pre", { class: "proof", id: "log-proof-text", tabindex: 0 }, text);
  mount(slot, h("section", { class: "card", "aria-labelledby": "log-proof-title" },
    h("h2", { id: "log-proof-title", tabindex: -1 }, l.proofOf(e.index)),
    h("p", { class: "muted small", id: "log-proof-intro" }, unwitnessed ? l.proofIntroUnwitnessed : l.proofIntro),
    pre,
    h("div", { class: "actions start" },
      h("button", {
        class: "primary", id: "log-proof-save",
        onclick: async () => {
          const path = await save({ defaultPath: l.proofFileName(e.index) });
          if (!path) return;
          try {
            await api.saveLogProof(e.id, path, true);
            status.className = "success";
            status.textContent = l.savedProof(path);
          } catch (err) {
            status.className = "error";
            status.textContent = errorMessage(err);
          }
        },
      }, l.saveProof),
      h("button", {
        class: "secondary",
        onclick: async () => {
          try {
            await navigator.clipboard.writeText(text);
            status.className = "muted";
            status.textContent = l.copied;
          } catch {
            pre.focus();
            status.className = "muted";
            status.textContent = l.copyFailed;
          }
        },
      }, l.copy)),
    status));
  slot.querySelector<HTMLElement>("#log-proof-title")?.focus();
  reveal(slot);
}
