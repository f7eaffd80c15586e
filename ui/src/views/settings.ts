// Settings: data folder, theme, a new recovery kit, about.

import type { PublicIdentity } from "../api/bindings";
import { api } from "../api/commands";
import { h, mount, reveal } from "../dom";
import { refuseField } from "../forms";
import { en } from "../i18n/en";
import { applyTheme, loadTheme, type ThemeChoice } from "../theme";
import { kitPanel } from "./kit";

export const VERSION = "0.1.0";

export function settingsView(home: string, identity: PublicIdentity): HTMLElement {
  const current = loadTheme();
  const choices: ThemeChoice[] = ["system", "light", "dark"];
  return h("div", { class: "page" },
    h("h1", { tabindex: -1, "data-focus": true }, en.settings.title),
    h("section", { class: "card" },
      h("h2", {}, en.settings.home),
      h("p", { class: "mono", id: "settings-home" }, home),
      h("p", { class: "muted small" }, en.settings.homeHint)),
    h("section", { class: "card" },
      h("fieldset", {},
        h("legend", {}, en.settings.theme),
        choices.map((c) => h("div", { class: "check" },
          h("input", {
            type: "radio", name: "theme", id: `theme-${c}`, value: c, checked: c === current,
            onchange: () => applyTheme(c),
          }),
          h("label", { for: `theme-${c}` }, en.settings.themes[c]))))),
    recoveryCard(),
    h("section", { class: "card" },
      h("h2", {}, en.settings.about),
      h("p", {}, en.settings.aboutBody(VERSION)),
      h("p", { class: "muted small" }, en.settings.identity),
      h("p", { class: "mono small", id: "settings-identity" }, identity.id)));
}

/** Makes a new recovery kit, for someone who types the passphrase again. */
function recoveryCard(): HTMLElement {
  const k = en.settings.kit;
  const slot = h("div");
  const showForm = () => {
    const pass = h("input", { id: "settings-kit-passphrase", type: "password", autocomplete: "current-password", "aria-describedby": "settings-kit-error" });
    const error = h("p", { class: "error", id: "settings-kit-error", role: "alert", hidden: true });
    const submit = h("button", { type: "submit", class: "secondary", id: "settings-kit-make" }, k.make);
    mount(slot, h("form", {
      onsubmit: async (e: Event) => {
        e.preventDefault();
        if (!pass.value) {
          error.hidden = false;
          error.textContent = k.passphraseMissing;
          pass.setAttribute("aria-invalid", "true");
          pass.focus();
          return;
        }
        submit.disabled = true;
        submit.textContent = k.working;
        try {
          const kit = await api.newRecoveryKit(pass.value);
          const done = h("button", {
            class: "primary", id: "settings-kit-done",
            onclick: () => {
              showForm();
              slot.querySelector<HTMLElement>("#settings-kit-passphrase")?.focus();
            },
          }, k.done);
          const intro = h("p", { tabindex: -1, id: "settings-kit-shown" }, k.shownOnce);
          mount(slot, intro, kitPanel(kit.kit, kit.phrase), h("div", { class: "actions" }, done));
          intro.focus();
          reveal(intro);
        } catch (err) {
          refuseField(error, pass, err);
          submit.disabled = false;
          submit.textContent = k.make;
        }
      },
    },
      h("label", { for: "settings-kit-passphrase" }, k.passphrase),
      pass,
      error,
      h("div", { class: "actions start" }, submit)));
  };
  showForm();
  return h("section", { class: "card", "aria-labelledby": "settings-kit-title" },
    h("h2", { id: "settings-kit-title" }, k.title),
    h("p", {}, k.intro),
    slot);
}
