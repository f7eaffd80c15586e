// The Cooperative section: start one, or see the one this home belongs to (people and
// their names, how decisions are made, the log in plain words, evidence; ids and
// fingerprints under "Technical details").

import type { CoopInfo, PublicIdentity } from "../api/bindings";
import { api } from "../api/commands";
import { h, mount, reveal, technical } from "../dom";
import { errorMessage } from "../errors";
import { formatCount } from "../format";
import { en } from "../i18n/en";

/** The form that starts a cooperative; `onCreated` gets it once it is on the log. */
export function coopCreateForm(onCreated: (coop: CoopInfo) => void): HTMLElement {
  const name = h("input", { id: "coop-name", maxlength: 64, "aria-describedby": "coop-name-hint", "data-focus": true });
  const error = h("p", { class: "error", id: "coop-error", role: "alert", hidden: true });
  const submit = h("button", { type: "submit", class: "primary", id: "coop-create" }, en.coop.create);
  return h("form", {
    class: "card",
    "aria-labelledby": "coop-create-title",
    novalidate: true,
    onsubmit: async (e: Event) => {
      e.preventDefault();
      if (!name.value.trim()) {
        error.hidden = false;
        error.textContent = en.coop.nameMissing;
        name.focus();
        reveal(error);
        return;
      }
      error.hidden = true;
      submit.disabled = true;
      submit.textContent = en.coop.working;
      try {
        onCreated(await api.coopCreate(name.value.trim()));
      } catch (err) {
        error.hidden = false;
        error.textContent = errorMessage(err);
        name.focus();
        reveal(error);
        submit.disabled = false;
        submit.textContent = en.coop.create;
      }
    },
  },
    h("h2", { id: "coop-create-title" }, en.coop.createTitle),
    h("p", {}, en.coop.createIntro),
    h("label", { for: "coop-name" }, en.coop.name),
    name,
    h("p", { class: "hint", id: "coop-name-hint" }, en.coop.nameHint),
    error,
    h("div", { class: "actions" }, submit));
}

/** Says that joining arrives with the network, instead of offering it. */
export function joinLaterCard(): HTMLElement {
  return h("section", { class: "card", "aria-labelledby": "coop-join-title" },
    h("h2", { id: "coop-join-title" }, en.coop.joinTitle),
    h("p", { class: "muted" }, en.coop.joinLater));
}

/** The Cooperative section for identity `me`; `onChanged` after one is started. */
export function cooperativeView(me: PublicIdentity, onChanged: () => void): HTMLElement {
  const body = h("div", { id: "coop-body" }, h("div", { class: "skeleton" }));
  void api.coopStatus().then(
    (coop) => {
      if (!coop) {
        mount(body, coopCreateForm(() => onChanged()), joinLaterCard());
        return;
      }
      mount(body, coopDetails(coop, me));
    },
    (err) => mount(body, h("p", { class: "error", role: "alert" }, errorMessage(err))),
  );
  return h("div", { class: "page" },
    h("h1", { tabindex: -1, "data-focus": true }, en.cooperative.title),
    body);
}

function coopDetails(coop: CoopInfo, me: PublicIdentity): HTMLElement {
  const c = en.cooperative;
  const role = coop.role ? en.status.role[coop.role] : en.status.notMember;
  return h("div", {},
    h("section", { class: "card", "aria-labelledby": "coop-title" },
      h("h2", { id: "coop-title" }, coop.name),
      h("dl", { class: "details" },
        h("dt", {}, c.you), h("dd", { id: "coop-role" }, role)),
      h("p", {}, c.approvals(coop.threshold)),
      h("p", {}, c.logSize(coop.size, formatCount(coop.size))),
      h("p", { class: coop.unwitnessed ? "muted" : undefined, id: "coop-witnessing" },
        !coop.unwitnessed
          ? c.witnessed
          : coop.stewards.length <= 1
            ? c.unwitnessedAlone
            : c.unwitnessed),
      technical({ id: "coop-technical" },
        h("dl", { class: "details" }, h("dt", {}, c.id), h("dd", { class: "mono small" }, coop.id)),
        h("p", { class: "small" }, c.witnessingTechnical))),
    h("section", { class: "card", "aria-labelledby": "coop-people-title" },
      h("h2", { id: "coop-people-title" }, c.people),
      // Names travel with joining; until then only this member's own is known here.
      h("ul", { class: "people", id: "coop-people" }, coop.members.map((p) =>
        h("li", {},
          h("span", {}, c.person(p.id === me.id ? me.name : null, en.status.role[p.role], p.id === me.id)),
          technical({ class: "technical inline" },
            h("span", { class: "mono small" }, h("span", { class: "visually-hidden" }, c.fingerprint), p.id)))))),
    coop.evidence.length
      ? h("section", { class: "card evidence-card", role: "alert", "aria-labelledby": "coop-evidence-title" },
        h("h2", { id: "coop-evidence-title", class: "evidence" }, c.evidence),
        h("ul", {}, coop.evidence.map((e) => h("li", {}, e.summary))))
      : h("p", { class: "success", id: "coop-no-evidence" }, c.noEvidence));
}
