// Settings: data folder, theme, network, a new recovery kit, the passphrase, about.

import type { NetworkInfo, PublicIdentity } from "../api/bindings";
import { api } from "../api/commands";
import { h, mount, reveal, technical } from "../dom";
import { errorCode, errorMessage } from "../errors";
import { liveChecks, refuseField } from "../forms";
import { kitConfirmed, markKitConfirmed } from "../kitReminder";
import { passphraseProblem } from "../strength";
import { relayProblem } from "../relay";
import { en } from "../i18n/en";
import { applyTheme, loadTheme, type ThemeChoice } from "../theme";
import { loadCloseQuits, saveCloseQuits } from "../closing";
import { kitPanel } from "./kit";

export const VERSION = "0.1.0";

export function settingsView(home: string, identity: PublicIdentity): HTMLElement {
  const kitPrompt = kitConfirmed(identity.id) ? null : h("p", { class: "banner", id: "settings-kit-missing" }, en.kitBanner.settings);
  const current = loadTheme();
  const choices: ThemeChoice[] = ["system", "light", "dark"];
  return h("div", { class: "page" },
    h("h1", { tabindex: -1, "data-focus": true }, en.settings.title),
    h("section", { class: "card" },
      h("h2", {}, en.settings.home),
      h("p", { class: "mono", id: "settings-home" }, home),
      h("p", { class: "muted small" }, en.settings.homeHint),
      technical({ id: "settings-home-technical" }, h("p", { class: "small" }, en.settings.homeTechnical))),
    h("section", { class: "card" },
      h("fieldset", {},
        h("legend", {}, en.settings.theme),
        choices.map((c) => h("div", { class: "check" },
          h("input", {
            type: "radio", name: "theme", id: `theme-${c}`, value: c, checked: c === current,
            onchange: () => applyTheme(c),
          }),
          h("label", { for: `theme-${c}` }, en.settings.themes[c]))))),
    networkCard(),
    kitPrompt,
    recoveryCard(identity.id),
    passphraseCard(),
    backgroundCard(),
    h("section", { class: "card" },
      h("h2", {}, en.settings.about),
      h("p", {}, en.settings.aboutBody(VERSION)),
      technical({ id: "settings-identity-technical" },
        h("p", { class: "muted small" }, en.settings.identity),
        h("p", { class: "mono small", id: "settings-identity" }, identity.id))));
}

/** What closing the window does, the choice to quit instead, and a way to quit now. */
function backgroundCard(): HTMLElement {
  const b = en.settings.background;
  const error = h("p", { class: "error", id: "settings-close-error", role: "alert", hidden: true });
  const quits = h("input", {
    type: "checkbox", id: "settings-close-quits", checked: loadCloseQuits(),
    "aria-describedby": "settings-close-hint",
    onchange: () => {
      error.hidden = true;
      api.closeQuits(quits.checked).then(() => saveCloseQuits(quits.checked), (err) => {
        quits.checked = !quits.checked;
        error.textContent = errorMessage(err);
        error.hidden = false;
      });
    },
  });
  return h("section", { class: "card", id: "settings-background" },
    h("h2", {}, b.title),
    h("p", {}, b.body),
    h("div", { class: "check" }, quits, h("label", { for: "settings-close-quits" }, b.closeQuits)),
    h("p", { class: "muted small", id: "settings-close-hint" }, b.closeQuitsHint),
    error,
    h("p", { class: "muted small" }, b.quitHint),
    h("button", {
      class: "secondary", id: "settings-quit", type: "button",
      onclick: () => void api.quit(),
    }, b.quit));
}

/** Makes a new recovery kit, for someone who types the passphrase again. */
function recoveryCard(identity: string): HTMLElement {
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
          const panel = kitPanel(kit.kit, kit.phrase);
          const warning = h("p", { class: "error", id: "settings-kit-unsaved", role: "alert", hidden: true }, k.unsaved);
          const done = h("button", {
            class: "primary", id: "settings-kit-done",
            onclick: () => {
              const keptIt = panel.getAttribute("data-kept") === "yes";
              // A kit neither saved nor copied is gone once this closes: say so once.
              if (!keptIt && warning.hidden) {
                warning.hidden = false;
                done.textContent = k.leaveUnsaved;
                reveal(warning);
                return;
              }
              if (keptIt) {
                markKitConfirmed(identity);
                document.getElementById("settings-kit-missing")?.remove();
              }
              showForm();
              slot.querySelector<HTMLElement>("#settings-kit-passphrase")?.focus();
            },
          }, k.done);
          const intro = h("p", { tabindex: -1, id: "settings-kit-shown" }, k.shownOnce);
          mount(slot, intro, panel, warning, h("div", { class: "actions" }, done));
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

/** Seals the keys under a new passphrase, after the current one. */
function passphraseCard(): HTMLElement {
  const t = en.settings.passphrase;
  const field = (id: string, autocomplete: string) =>
    h("input", { id, type: "password", autocomplete, "aria-describedby": `${id}-error` }) as HTMLInputElement;
  const current = field("settings-pass-current", "current-password");
  const next = field("settings-pass-new", "new-password");
  const confirm = field("settings-pass-confirm", "new-password");
  const result = h("p", { id: "settings-pass-result", role: "status" });
  const submit = h("button", { type: "submit", class: "secondary", id: "settings-pass-change" }, t.change);
  // Problems are said beside each field as soon as they can be, and go once fixed.
  const checks = liveChecks([
    { field: current, problem: () => (current.value ? null : t.currentMissing) },
    {
      field: next,
      problem: () => {
        const problem = passphraseProblem(next.value);
        return problem === "too_short" ? t.tooShort : problem === "weak" ? t.weak : null;
      },
    },
    { field: confirm, problem: () => (confirm.value === next.value ? null : t.mismatch) },
  ]);
  for (const input of [current, next, confirm]) {
    input.addEventListener("input", () => (result.textContent = ""));
  }
  const form = h("form", {
    onsubmit: async (e: Event) => {
      e.preventDefault();
      if (!checks.validate()) return;
      submit.disabled = true;
      submit.textContent = t.working;
      try {
        await api.changePassphrase(current.value, next.value);
        for (const input of [current, next, confirm]) input.value = "";
        result.textContent = t.changed;
      } catch (err) {
        const field = errorCode(err) === "input.passphrase_too_short" ? next : current;
        refuseField(checks.messageFor(field), field, err);
      } finally {
        submit.disabled = false;
        submit.textContent = t.change;
      }
    },
  },
    h("label", { for: current.id }, t.current), current, checks.messageFor(current),
    h("label", { for: next.id }, t.new),
    h("p", { class: "muted small", id: "settings-pass-rules" }, t.rules),
    next, checks.messageFor(next),
    h("label", { for: confirm.id }, t.confirm), confirm, checks.messageFor(confirm),
    h("div", { class: "actions start" }, submit),
    result);
  return h("section", { class: "card", "aria-labelledby": "settings-pass-title" },
    h("h2", { id: "settings-pass-title" }, t.title),
    h("p", {}, t.intro),
    form);
}

/** Where this computer listens, and the relay and local discovery saved for the next
 * start. */
function networkCard(): HTMLElement {
  const t = en.settings.network;
  const now = h("div", { id: "settings-network-now", "aria-live": "polite" }, h("p", { class: "muted" }, t.loading));
  const relay = h("input", {
    id: "settings-relay", type: "url", inputmode: "url", autocomplete: "off", spellcheck: "false",
    placeholder: "https://relay.example.org", "aria-describedby": "settings-relay-hint settings-network-error",
  }) as HTMLInputElement;
  const discovery = h("input", { id: "settings-local-discovery", type: "checkbox", "aria-describedby": "settings-local-discovery-hint" }) as HTMLInputElement;
  const error = h("p", { class: "error", id: "settings-network-error", role: "alert", hidden: true });
  const result = h("p", { id: "settings-network-result", role: "status" });
  const submit = h("button", { type: "submit", class: "secondary", id: "settings-network-save" }, t.save);
  const checks = liveChecks([{ field: relay, problem: () => relayProblem(relay.value) }]);
  const show = (info: NetworkInfo) => {
    mount(now,
      info.online
        ? h("p", {}, t.listening, " ", h("span", { class: "mono", id: "settings-listening" }, info.listening.join(", ") || t.nowhere))
        : h("p", { id: "settings-offline" }, t.offline),
      h("p", { class: "muted small", id: "settings-network-in-use" },
        t.inUse(info.relay ?? t.noRelay, info.local_discovery ? t.on : t.off)));
    relay.value = info.saved.relay ?? "";
    discovery.checked = info.saved.local_discovery;
  };
  for (const input of [relay, discovery]) {
    input.addEventListener("input", () => (result.textContent = ""));
  }
  // A settings file that cannot be read is said, without taking the focus from the page.
  api.networkShow().then(show, (err) => {
    error.hidden = false;
    error.textContent = errorMessage(err);
    now.replaceChildren();
  });
  const form = h("form", {
    onsubmit: async (e: Event) => {
      e.preventDefault();
      if (!checks.validate()) return;
      error.hidden = true;
      submit.disabled = true;
      try {
        const info = await api.networkSave(relay.value.trim() || null, discovery.checked);
        show(info);
        result.textContent = info.pending ? t.savedNextStart : t.saved;
      } catch (err) {
        refuseField(error, relay, err);
      } finally {
        submit.disabled = false;
      }
    },
  },
    h("label", { for: relay.id }, t.relay),
    h("p", { class: "muted small", id: "settings-relay-hint" }, t.relayHint),
    relay, checks.messageFor(relay),
    h("div", { class: "check" },
      discovery,
      h("label", { for: discovery.id }, t.localDiscovery)),
    h("p", { class: "muted small", id: "settings-local-discovery-hint" }, t.localDiscoveryHint),
    error,
    h("div", { class: "actions start" }, submit),
    result);
  return h("section", { class: "card", "aria-labelledby": "settings-network-title" },
    h("h2", { id: "settings-network-title" }, t.title),
    now,
    form);
}
