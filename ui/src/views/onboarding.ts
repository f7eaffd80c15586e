// First run (welcome, create, recovery kit), unlock, and the screens for a home that
// cannot be used.

import { open } from "@tauri-apps/plugin-dialog";
import type { AppStatus, CoopInfo, CreatedIdentity, PublicIdentity, OwnerKind } from "../api/bindings";
import { api } from "../api/commands";
import { h, reveal } from "../dom";
import { errorCode, errorMessage } from "../errors";
import { en } from "../i18n/en";
import { type FieldCheck, liveChecks, refuseField } from "../forms";
import { phraseProblem } from "../recoveryPhrase";
import { passphraseProblem, strength } from "../strength";
import { coopCreateForm, coopJoinForm } from "./coop";
import { kitPanel } from "./kit";

function page(...children: (Node | null)[]): HTMLElement {
  return h("main", { class: "onboarding", id: "main" }, h("div", { class: "card narrow" }, ...children));
}

export function welcomeView(onStart: () => void, onRestore: () => void): HTMLElement {
  return page(
    h("h1", { tabindex: -1, "data-focus": true }, en.welcome.title),
    h("p", { class: "lead" }, en.welcome.body),
    h("div", { class: "actions" },
      h("button", { id: "welcome-restore", class: "secondary", onclick: onRestore }, en.welcome.restore),
      h("button", { id: "welcome-start", class: "primary", onclick: onStart }, en.welcome.start)),
  );
}

export function restoreView(onBack: () => void, onRestored: (identity: PublicIdentity) => void): HTMLElement {
  const kit = h("textarea", { id: "restore-kit", rows: 6, spellcheck: false, required: true, "data-focus": true, placeholder: en.restore.kitPlaceholder });
  const phrase = h("textarea", { id: "restore-phrase", rows: 2, spellcheck: false, autocomplete: "off", required: true, "aria-describedby": "restore-phrase-rule" });
  const pass = h("input", { id: "restore-passphrase", type: "password", autocomplete: "new-password", required: true });
  const confirm = h("input", { id: "restore-confirm", type: "password", autocomplete: "new-password", required: true });
  const error = h("p", { class: "error", id: "restore-error", role: "alert", hidden: true });
  const opened = h("p", { class: "hint", id: "restore-opened", role: "status" });
  const submit = h("button", { id: "restore-submit", type: "submit", class: "primary" }, en.restore.submit);
  const fail = (message: string, field: HTMLElement) => {
    error.hidden = false;
    error.textContent = message;
    // The form is taller than a small window: the message goes right under the field it
    // is about, so both are in view together.
    field.after(error);
    field.focus();
    reveal(error);
  };
  const checks = liveChecks([
    { field: kit, problem: () => (kit.value.trim() ? null : en.restore.kitMissing) },
    { field: phrase, problem: () => phraseProblem(phrase.value) },
    ...passphraseChecks(pass, confirm),
  ]);
  const form = h(
    "form",
    {
      novalidate: true,
      onsubmit: async (e: Event) => {
        e.preventDefault();
        error.hidden = true;
        if (!checks.validate()) return;
        submit.disabled = true;
        submit.textContent = en.restore.working;
        try {
          onRestored(await api.restoreIdentity(kit.value, phrase.value, pass.value));
        } catch (err) {
          error.dataset.code = errorCode(err) ?? "";
          fail(errorMessage(err), errorCode(err)?.includes("phrase") ? phrase : kit);
          submit.disabled = false;
          submit.textContent = en.restore.submit;
        }
      },
    },
    h("div", { class: "label-row" },
      h("label", { for: "restore-kit" }, en.restore.kit),
      h("button", {
        type: "button", class: "secondary", id: "restore-open-kit",
        onclick: async () => {
          const picked = await open({ multiple: false, directory: false });
          if (typeof picked !== "string") return;
          try {
            kit.value = await api.readRecoveryKit(picked);
            error.hidden = true;
            opened.textContent = en.restore.opened(picked);
            phrase.focus();
          } catch (err) {
            opened.textContent = "";
            error.dataset.code = errorCode(err) ?? "";
            fail(errorMessage(err), kit);
          }
        },
      }, en.restore.openKit)),
    kit,
    checks.messageFor(kit),
    opened,
    h("label", { for: "restore-phrase" }, en.restore.phrase),
    h("p", { class: "hint", id: "restore-phrase-rule" }, en.restore.phraseRule),
    phrase,
    checks.messageFor(phrase),
    h("label", { for: "restore-passphrase" }, en.restore.passphrase),
    pass,
    strengthMeter(pass, "restore-strength"),
    checks.messageFor(pass),
    h("label", { for: "restore-confirm" }, en.create.confirm),
    confirm,
    checks.messageFor(confirm),
    error,
    h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", id: "restore-back", onclick: onBack }, en.create.back), submit),
  );
  return page(h("h1", {}, en.restore.title), h("p", {}, en.restore.intro), form);
}

/** The passphrase and confirmation checks the create and restore forms share. */
function passphraseChecks(pass: HTMLInputElement, confirm: HTMLInputElement): FieldCheck[] {
  const p = en.create.problem;
  return [
    { field: pass, problem: () => { const q = passphraseProblem(pass.value); return q ? p[q] : null; } },
    { field: confirm, problem: () => (confirm.value === pass.value ? null : p.mismatch) },
  ];
}

/** The strength meter under a new passphrase, with the rule stated before anything is typed. */
function strengthMeter(pass: HTMLInputElement, id: string): HTMLElement {
  const meter = h("meter", { min: 0, max: 4, low: 2, high: 3, optimum: 4, value: 0, "aria-hidden": "true" });
  const hint = h("span", { id: `${id}-text` }, en.create.strength.empty);
  const levels = { empty: 0, weak: 1, fair: 2, good: 3, strong: 4 } as const;
  pass.addEventListener("input", () => {
    const s = strength(pass.value);
    meter.value = levels[s];
    hint.textContent = en.create.strength[s];
  });
  return h("div", { class: "strength", id }, h("span", { class: "muted" }, `${en.create.strengthLabel}: `), meter, " ", hint);
}

export function createView(onBack: () => void, onCreated: (c: CreatedIdentity) => void): HTMLElement {
  const name = h("input", { id: "name", name: "name", autocomplete: "name", placeholder: en.create.namePlaceholder, required: true, maxlength: 64, "data-focus": true });
  const pass = h("input", { id: "passphrase", type: "password", autocomplete: "new-password", required: true, "aria-describedby": "strength" });
  const confirm = h("input", { id: "confirm", type: "password", autocomplete: "new-password", required: true });
  const error = h("p", { class: "error", id: "create-error", role: "alert", hidden: true });
  const submit = h("button", { id: "create-submit", type: "submit", class: "primary" }, en.create.submit);
  const checks = liveChecks([
    { field: name, problem: () => (name.value.trim() ? null : en.create.problem.name_missing) },
    ...passphraseChecks(pass, confirm),
  ]);
  const form = h(
    "form",
    {
      novalidate: true,
      onsubmit: async (e: Event) => {
        e.preventDefault();
        error.hidden = true;
        if (!checks.validate()) return;
        submit.disabled = true;
        submit.textContent = en.create.working;
        try {
          onCreated(await api.createIdentity(name.value.trim(), pass.value));
        } catch (err) {
          error.hidden = false;
          error.textContent = errorMessage(err);
          reveal(error);
          submit.disabled = false;
          submit.textContent = en.create.submit;
        }
      },
    },
    h("label", { for: "name" }, en.create.name),
    name,
    checks.messageFor(name),
    h("label", { for: "passphrase" }, en.create.passphrase),
    pass,
    strengthMeter(pass, "strength"),
    checks.messageFor(pass),
    h("label", { for: "confirm" }, en.create.confirm),
    confirm,
    checks.messageFor(confirm),
    error,
    h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", onclick: onBack }, en.create.back), submit),
  );
  return page(h("h1", {}, en.create.title), h("p", {}, en.create.intro), form);
}

export function kitView(created: CreatedIdentity, onDone: () => void): HTMLElement {
  const done = h("button", { id: "kit-done", class: "primary", disabled: true, onclick: onDone }, en.kit.done);
  const confirm = h("input", {
    type: "checkbox",
    id: "kit-confirm",
    onchange: () => (done.disabled = !confirm.checked),
  });
  return h(
    "main",
    { class: "onboarding", id: "main" },
    h(
      "div",
      { class: "card wide" },
      h("h1", { tabindex: -1, "data-focus": true }, en.kit.title),
      h("p", {}, en.kit.intro),
      kitPanel(created.kit, created.phrase),
      h("div", { class: "check" }, confirm, h("label", { for: "kit-confirm" }, en.kit.confirm)),
      h("div", { class: "actions" }, done),
    ),
  );
}

/** After the kit: found a cooperative now, or later. */
export function coopStepView(onDone: (coop: CoopInfo | null) => void): HTMLElement {
  return h("main", { class: "onboarding", id: "main" },
    h("div", { class: "wide" },
      h("h1", { tabindex: -1 }, en.coop.title),
      h("p", {}, en.coop.intro),
      coopCreateForm(onDone),
      coopJoinForm(onDone),
      h("div", { class: "actions" },
        h("button", { class: "secondary", id: "coop-later", onclick: () => onDone(null) }, en.coop.later))));
}

export function unlockView(home: string, onUnlocked: (identity: PublicIdentity) => void, onForgot: () => void): HTMLElement {
  const pass = h("input", { id: "unlock-passphrase", type: "password", autocomplete: "current-password", "data-focus": true, "aria-describedby": "unlock-error" });
  const error = h("p", { class: "error", id: "unlock-error", role: "alert", hidden: true });
  const submit = h("button", { id: "unlock-submit", type: "submit", class: "primary" }, en.unlock.submit);
  const form = h(
    "form",
    {
      onsubmit: async (e: Event) => {
        e.preventDefault();
        if (!pass.value) {
          error.hidden = false;
          error.textContent = en.unlock.empty;
          error.dataset.code = "";
          pass.setAttribute("aria-invalid", "true");
          pass.focus();
          return;
        }
        submit.disabled = true;
        submit.textContent = en.unlock.working;
        try {
          onUnlocked(await api.unlock(pass.value));
        } catch (err) {
          refuseField(error, pass, err);
          submit.disabled = false;
          submit.textContent = en.unlock.submit;
        }
      },
    },
    h("label", { for: "unlock-passphrase" }, en.unlock.passphrase),
    pass,
    error,
    h("div", { class: "actions" }, submit),
  );
  return page(
    h("h1", {}, en.unlock.title),
    h("p", {}, en.unlock.intro),
    form,
    h("p", {}, en.unlock.forgotIntro, " ",
      h("button", { type: "button", class: "link", id: "unlock-forgot", onclick: onForgot }, en.unlock.forgot)),
    h("p", { class: "muted small" }, en.unlock.home(home)),
  );
}

export function inUseView(home: string, kind: OwnerKind, pid: number, onStatus: (s: AppStatus) => void): HTMLElement {
  const what = kind === "serve" ? en.inUse.serve(pid) : kind === "cli" ? en.inUse.cli(pid) : en.inUse.app(pid);
  return page(
    h("h1", { tabindex: -1, "data-focus": true }, en.inUse.title),
    h("p", { id: "in-use-text" }, what),
    retry(onStatus),
    h("p", { class: "muted small" }, en.inUse.other(home)),
  );
}

export function unavailableView(home: string, message: string, onStatus: (s: AppStatus) => void): HTMLElement {
  return page(
    h("h1", { tabindex: -1, "data-focus": true }, en.unavailable.title),
    h("p", {}, en.unavailable.what(message)),
    h("p", {}, en.unavailable.next),
    retry(onStatus),
    h("p", { class: "muted small" }, home),
  );
}

/** "Try again": takes the home if it is free now; otherwise says it still is not. */
function retry(onStatus: (s: AppStatus) => void): HTMLElement {
  const result = h("p", { class: "muted", id: "retry-result", role: "status" });
  const button = h("button", {
    class: "primary", id: "retry",
    onclick: async () => {
      button.disabled = true;
      button.textContent = en.retry.working;
      try {
        const status = await api.retryHome();
        if (status.state === "in_use" || status.state === "unavailable") {
          result.textContent = en.retry.still(new Date().toLocaleTimeString());
        } else {
          onStatus(status);
        }
      } catch (err) {
        result.textContent = errorMessage(err);
      } finally {
        button.disabled = false;
        button.textContent = en.retry.label;
      }
    },
  }, en.retry.label);
  return h("div", {}, h("div", { class: "actions start" }, button), result);
}
