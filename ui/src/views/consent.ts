// The Consent section: per dataset, the purposes it may be used for (plain words first,
// the DPV term below), the longest access period, automatic or ask-me, and a sentence
// that says what the choice will do. Saving and withdrawing are signed log operations.

import { type ConsentView, type DatasetSummary, PURPOSES } from "../api/bindings";
import { api } from "../api/commands";
import { consentSentence, DURATIONS, inForce, type PurposeName } from "../consent";
import { h, mount, reveal } from "../dom";
import { errorMessage } from "../errors";
import { en } from "../i18n/en";

export interface ConsentContext {
  toCooperative(): void;
  toData(): void;
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
      mount(body, datasets.map((d, i) => datasetConsent(d, i, current.get(d.name) ?? null)));
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

function datasetConsent(d: DatasetSummary, i: number, current: ConsentView | null): HTMLElement {
  const c = en.consent;
  const id = (what: string) => `consent-${i}-${what}`;
  const boxes = PURPOSES.map((p) => {
    const box = h("input", {
      type: "checkbox", id: id(p.name), value: p.name,
      checked: current?.purposes.includes(p.name) ?? false,
      "aria-describedby": `${id(`${p.name}-differs`)} ${id(`${p.name}-dpv`)}`,
    });
    const dpv = p.name === "ModelTraining" ? c.modelTrainingDpv : `${c.dpvPrefix}dpv:${p.dpv}`;
    return { box, row: h("div", { class: "check" }, box,
      h("div", {},
        h("label", { for: id(p.name) }, capitalise(en.purposes[p.name].plain)),
        h("p", { class: "hint", id: id(`${p.name}-differs`) }, en.purposes[p.name].differs),
        h("p", { class: "hint small", id: id(`${p.name}-dpv`) }, dpv))) };
  });
  const wanted = current ? current.max_days : 30;
  // A period recorded elsewhere (the command line takes any number of days) is offered
  // too, so the form shows, and keeps, what is in force.
  const offered = DURATIONS.includes(wanted) ? DURATIONS : [...DURATIONS, wanted];
  const duration = h("select", { id: id("days") },
    offered.map((days) => h("option", { value: days === null ? "" : String(days), selected: days === wanted },
      days === null ? c.noLimit : c.days(days))));
  // Asking first is the default: including someone automatically is their choice to make.
  const auto = h("input", { type: "radio", name: id("mode"), id: id("auto"), value: "auto", checked: current?.mode === "auto" });
  const ask = h("input", { type: "radio", name: id("mode"), id: id("ask"), value: "ask", checked: current?.mode !== "auto" });
  const sentence = h("p", { class: "consent-sentence", id: id("sentence"), "aria-live": "polite" });
  const status = h("p", { class: "muted small", id: id("status") },
    current ? c.current(current.record_id.slice(0, 12)) : c.none);
  const result = h("p", { id: id("result"), role: "status" });
  const chosen = () => boxes.filter((b) => b.box.checked).map((b) => b.box.value as PurposeName);
  const days = () => (duration.value === "" ? null : Number(duration.value));
  const update = () => (sentence.textContent = consentSentence(d.category, chosen(), days(), ask.checked));
  update();

  const save = h("button", { type: "submit", class: "primary", id: id("save") }, c.save);
  const form = h("form", {
    class: "card consent-card",
    "data-dataset": d.name,
    "aria-labelledby": id("title"),
    onchange: update,
    onsubmit: async (e: Event) => {
      e.preventDefault();
      const purposes = chosen();
      if (purposes.length === 0) {
        result.className = "error";
        result.textContent = c.needPurpose;
        boxes[0].box.focus();
        reveal(result);
        return;
      }
      save.disabled = true;
      save.textContent = c.saving;
      try {
        const op = await api.consentSet(d.name, purposes, days(), ask.checked);
        result.className = "success";
        result.textContent = c.saved(op.slice(0, 12));
        status.textContent = c.current(op.slice(0, 12));
        if (!actions.querySelector(`#${id("withdraw")}`)) actions.prepend(withdrawButton());
      } catch (err) {
        result.className = "error";
        result.textContent = errorMessage(err);
      } finally {
        save.disabled = false;
        save.textContent = c.save;
        reveal(result);
      }
    },
  },
    h("div", { class: "page-head" },
      h("h2", { id: id("title") }, d.name),
      h("span", { class: "badge" }, d.category)),
    status,
    h("fieldset", {}, h("legend", {}, c.purposes), boxes.map((b) => b.row)),
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
            status.textContent = c.none;
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
