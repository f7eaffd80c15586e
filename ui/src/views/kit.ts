// A recovery kit on screen: its 24 words, its text, and saving it as a file (the native
// dialog, which asks before replacing a file, or a typed path, which never replaces one).

import { save } from "@tauri-apps/plugin-dialog";
import { api } from "../api/commands";
import { h, reveal } from "../dom";
import { errorCode, errorMessage } from "../errors";
import { en } from "../i18n/en";

/**
 * The phrase and the kit, with ways to save and copy the kit. Shown once. Once the kit
 * was saved or copied, the panel's `data-kept` is "yes".
 */
export function kitPanel(kit: string, phrase: string): HTMLElement {
  let panel: HTMLElement | null = null;
  const kept = () => panel?.setAttribute("data-kept", "yes");
  const words = phrase.split(/\s+/);
  const status = h("span", { class: "muted", id: "kit-copy-status", "aria-live": "polite" });
  const text = h("textarea", { id: "kit-text", readonly: true, rows: 8, spellcheck: "false" });
  text.value = kit;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(kit);
      status.textContent = en.kit.copied;
      kept();
    } catch {
      text.focus();
      text.select();
      status.textContent = en.kit.copyFailed;
    }
  };

  // Saving: the native dialog (which asks before replacing a file), or a typed path
  // (which never replaces one).
  const savePath = h("input", { id: "kit-save-path", spellcheck: "false", placeholder: en.kit.savePathPlaceholder, "aria-describedby": "kit-save-result" });
  const saveResult = h("p", { id: "kit-save-result", role: "status" });
  const saveTo = async (path: string, replace: boolean) => {
    try {
      await api.saveRecoveryKit(path, kit, replace);
      kept();
      saveResult.className = "success";
      saveResult.textContent = en.kit.saved(path);
      reveal(saveResult);
    } catch (err) {
      saveResult.className = "error";
      saveResult.textContent = errorMessage(err);
      saveResult.dataset.code = errorCode(err) ?? "";
      savePath.focus();
      reveal(saveResult);
    }
  };
  const saveForm = h("form", {
    class: "save-kit",
    "aria-label": en.kit.saveTitle,
    onsubmit: async (e: Event) => {
      e.preventDefault();
      const path = savePath.value.trim();
      if (!path) {
        saveResult.className = "error";
        saveResult.textContent = en.kit.savePathMissing;
        savePath.focus();
        return;
      }
      await saveTo(path, false);
    },
  },
    h("h2", {}, en.kit.saveTitle),
    h("div", { class: "actions start" },
      h("button", {
        type: "button", class: "primary", id: "kit-save-dialog",
        onclick: async () => {
          const picked = await save({ defaultPath: en.kit.fileName, filters: [{ name: en.kit.fileType, extensions: ["txt"] }] });
          if (picked) await saveTo(picked, true);
        },
      }, en.kit.saveDialog),
      h("button", { class: "secondary", type: "button", onclick: copy }, en.kit.copy), status),
    h("label", { for: "kit-save-path" }, en.kit.savePath),
    h("div", { class: "row" }, savePath, h("button", { type: "submit", class: "secondary", id: "kit-save-submit" }, en.kit.saveSubmit)),
    saveResult);

  panel = h("div", { class: "kit-panel" },
    h("h2", {}, en.kit.phraseLabel),
    h("ol", { class: "phrase", id: "kit-phrase" }, words.map((w) => h("li", {}, w))),
    h("label", { for: "kit-text" }, en.kit.kitLabel),
    text,
    saveForm);
  return panel;
}
