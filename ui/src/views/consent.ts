// The Consent section: per dataset, the purposes it may be used for (plain words; the
// DPV terms under "Technical details"), the longest access period, automatic or ask-me,
// a sentence that says what the choice will do, and what is active in plain words.
// Unsaved edits are marked, and leaving with them asks first. Saving and withdrawing are
// signed log operations.

import { type ConsentView, type DatasetSummary, PURPOSES } from "../api/bindings";
import { api } from "../api/commands";
import {
  consentSentence, consentStatus, DURATIONS, inForce, sameTerms, termsOf, type PurposeName, type Terms,
} from "../consent";
import { h, mount, reveal, technical } from "../dom";
import { errorMessage } from "../errors";
import { en } from "../i18n/en";

export interface ConsentContext {
  toCooperative(): void;
  toData(): void;
  /** Registers what leaving the screen would lose: the datasets with unsaved edits. */
  setLeaveGuard(unsaved: () => string[]): void;
}

export function consentView(ctx: ConsentContext): HTMLElement {
  const body = h("div", { id: "consent-body" }, h("div", { class: "skeleton" }));
  const load = async () => {
    try {
      const [coop, datasets, consents] = await Promise.all([api.coopStatus(), api.listDatasets(), api.consentList()]);
      if (!coop) {
        mount(body, empty(en.consent.noCoopTitle, en.consent.noCoopBody, en.consent.toCoop, ctx.toCooperative));
        return;
      }
      if (datasets.length === 0) {
        mount(body, empty(en.consent.noDataTitle, en.consent.noDataBody, en.consent.toData, ctx.toData));
        return;
      }
      const current = inForce(consents);
      const cards: CardState[] = [];
      mount(body, datasets.map((d, i) => datasetConsent(d, i, current.get(d.name) ?? null, cards)));
      ctx.setLeaveGuard(() => cards.filter((card) => card.unsaved()).map((card) => card.dataset));
    } catch (err) {
      mount(body, h("p", { class: "error", role: "alert" }, errorMessage(err)));
    }
  };
  void load();
  return h("div", { class: "page" },
    h("h1", { tabindex: -1, "data-focus": true }, en.consent.title),
    h("p", { class: "muted" }, en.consent.intro),
    body);
}

function empty(title: string, text: string, action: string, onAction: () => void): HTMLElement {
  return h("div", { class: "empty", id: "consent-empty" },
    h("h2", {}, title),
    h("p", {}, text),
    h("button", { class: "primary", onclick: onAction }, action));
}

/** A consent card's hooks: whether it has unsaved edits, its dataset's name. */
interface CardState {
  dataset: string;
  unsaved(): boolean;
}

function datasetConsent(d: DatasetSummary, i: number, current: ConsentView | null, cards: CardState[]): HTMLElement {
  const c = en.consent;
  const id = (what: string) => `consent-${i}-${what}`;
  let recorded: Terms | null = current ? termsOf(current) : null;
  let recordId = current?.record_id ?? null;
  const boxes = PURPOSES.map((p) => {
    const box = h("input", {
      type: "checkbox", id: id(p.name), value: p.name,
      "aria-describedby": id(`${p.name}-differs`),
    });
    return { box, row: h("div", { class: "check" }, box,
      h("div", {},
        h("label", { for: id(p.name) }, capitalise(en.purposes[p.name].plain)),
        h("p", { class: "hint", id: id(`${p.name}-differs`) }, en.purposes[p.name].differs))) };
  });
  const dpv = technical({ id: id("dpv") },
    h("p", { class: "small" }, c.dpvIntro),
    h("ul", { class: "small" }, PURPOSES.map((p) =>
      h("li", {}, `${capitalise(en.purposes[p.name].plain)}: `,
        h("span", { class: "mono" }, p.name === "ModelTraining" ? c.modelTrainingDpv : `dpv:${p.dpv}`)))));
  const wanted = current ? current.max_days : 30;
  // A period recorded elsewhere (the command line takes any number of days) is offered
  // too, so the form shows, and keeps, what is in force.
  const offered = DURATIONS.includes(wanted) ? DURATIONS : [...DURATIONS, wanted];
  const duration = h("select", { id: id("days") },
    offered.map((days) => h("option", { value: days === null ? "" : String(days) },
      days === null ? c.noLimit : c.days(days))));
  // Asking first is the default: including someone automatically is their choice to make.
  const auto = h("input", { type: "radio", name: id("mode"), id: id("auto"), value: "auto" });
  const ask = h("input", { type: "radio", name: id("mode"), id: id("ask"), value: "ask" });
  const sentence = h("p", { class: "consent-sentence", id: id("sentence"), "aria-live": "polite" });
  const status = h("p", { class: "consent-status", id: id("status") });
  const unsavedMark = h("span", { class: "badge unsaved", id: id("unsaved"), hidden: true }, c.unsaved);
  const technicalId = h("p", { class: "small mono", id: id("record") });
  const recordDetails = technical({ id: id("technical") }, technicalId);
  const result = h("p", { id: id("result"), role: "status" });
  const edited = (): Terms => ({
    purposes: boxes.filter((b) => b.box.checked).map((b) => b.box.value as PurposeName),
    maxDays: duration.value === "" ? null : Number(duration.value),
    ask: ask.checked,
  });
  const unsaved = () => {
    const now = edited();
    return recorded ? !sameTerms(now, recorded) : now.purposes.length > 0;
  };
  const save = h("button", { type: "submit", class: "primary", id: id("save") }, c.save);
  const update = () => {
    const now = edited();
    sentence.textContent = consentSentence(d.category, now.purposes, now.maxDays, now.ask);
    status.textContent = consentStatus(recorded);
    recordDetails.hidden = recordId === null;
    technicalId.textContent = recordId ? c.current(recordId) : "";
    unsavedMark.hidden = !unsaved();
    save.textContent = recorded && unsaved() ? c.saveChanges : c.save;
  };
  /** Puts the form back to what is recorded (the defaults when nothing is). */
  const showRecorded = () => {
    const terms = recorded ?? { purposes: [], maxDays: 30, ask: true };
    for (const b of boxes) b.box.checked = terms.purposes.includes(b.box.value as PurposeName);
    duration.value = terms.maxDays === null ? "" : String(terms.maxDays);
    ask.checked = terms.ask;
    auto.checked = !terms.ask;
    update();
  };
  showRecorded();
  cards.push({ dataset: d.name, unsaved });

  const form = h("form", {
    class: "card consent-card",
    "data-dataset": d.name,
    "aria-labelledby": id("title"),
    onchange: update,
    onsubmit: async (e: Event) => {
      e.preventDefault();
      const terms = edited();
      if (terms.purposes.length === 0) {
        result.className = "error";
        result.textContent = c.needPurpose;
        boxes[0].box.focus();
        reveal(result);
        return;
      }
      save.disabled = true;
      save.textContent = c.saving;
      try {
        recordId = await api.consentSet(d.name, terms.purposes, terms.maxDays, terms.ask);
        recorded = terms;
        result.className = "success";
        result.textContent = c.saved;
        if (!actions.querySelector(`#${id("withdraw")}`)) actions.prepend(withdrawButton());
      } catch (err) {
        result.className = "error";
        result.textContent = errorMessage(err);
      } finally {
        save.disabled = false;
        update();
        reveal(result);
      }
    },
  },
    h("div", { class: "page-head" },
      h("h2", { id: id("title") }, d.name),
      h("span", { class: "badge" }, d.category),
      unsavedMark),
    status,
    recordDetails,
    h("fieldset", {}, h("legend", {}, c.purposes), boxes.map((b) => b.row), dpv),
    h("div", { class: "consent-options" },
      h("div", {}, h("label", { for: id("days") }, c.duration), duration),
      h("fieldset", {}, h("legend", { class: "small-legend" }, c.mode),
        h("div", { class: "check" }, auto, h("label", { for: id("auto") }, c.auto)),
        h("div", { class: "check" }, ask, h("label", { for: id("ask") }, c.ask)))),
    sentence,
    result);

  // Withdrawing asks first, saying what it does and does not do.
  const withdrawButton = () => h("button", {
    type: "button", class: "secondary", id: id("withdraw"),
    onclick: () => {
      const yes = h("button", {
        type: "button", class: "danger", id: id("withdraw-yes"),
        onclick: async () => {
          yes.disabled = true;
          try {
            await api.consentWithdraw(d.name);
            // Nothing is in force any more: the form says so, boxes cleared.
            recorded = null;
            recordId = null;
            showRecorded();
            result.className = "success";
            result.textContent = c.withdrawn;
            mount(actions, save);
            save.focus();
          } catch (err) {
            result.className = "error";
            result.textContent = errorMessage(err);
            const again = withdrawButton();
            mount(actions, again, save);
            again.focus();
          }
        },
      }, c.withdrawYes);
      const no = h("button", {
        type: "button", class: "secondary", id: id("withdraw-no"),
        onclick: () => {
          const again = withdrawButton();
          mount(actions, again, save);
          again.focus();
        },
      }, c.withdrawNo);
      mount(actions, h("p", { class: "confirm", role: "alert" }, c.withdrawConfirm(d.name)), no, yes);
      no.focus();
    },
  }, c.withdraw);
  const actions = h("div", { class: "actions" }, current ? withdrawButton() : null, save);
  form.append(actions);
  return form;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
