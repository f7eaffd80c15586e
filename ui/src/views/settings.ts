// Settings: data folder, theme, about.

import type { IdentityView } from "../api/bindings";
import { h } from "../dom";
import { en } from "../i18n/en";
import { applyTheme, loadTheme, type ThemeChoice } from "../theme";

export const VERSION = "0.1.0";

export function settingsView(home: string, identity: IdentityView): HTMLElement {
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
    h("section", { class: "card" },
      h("h2", {}, en.settings.about),
      h("p", {}, en.settings.aboutBody(VERSION)),
      h("p", { class: "muted small" }, en.settings.identity),
      h("p", { class: "mono small", id: "settings-identity" }, identity.id)));
}
