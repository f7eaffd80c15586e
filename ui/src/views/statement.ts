// The export buttons Activity and Earnings share: a save dialog, then the node writes the
// statement (JSON as `--json` prints it, or CSV) to the file chosen.

import { save } from "@tauri-apps/plugin-dialog";
import type { Statement, StatementFormat } from "../api/bindings";
import { api } from "../api/commands";
import { h } from "../dom";
import { errorMessage } from "../errors";

interface Words {
  exportCsv: string;
  exportJson: string;
  fileName: (ext: string) => string;
  saved: (path: string) => string;
}

/** "Export as CSV…" and "Export as JSON…", with a status line saying what happened. */
export function exportButtons(statement: Statement, words: Words): HTMLElement {
  const status = h("p", { class: "muted small", role: "status" });
  const button = (format: StatementFormat, label: string) =>
    h("button", {
      class: "secondary", id: `${statement}-export-${format}`, type: "button",
      onclick: async () => {
        const path = await save({ defaultPath: words.fileName(format) }).catch(() => null);
        if (!path) return;
        try {
          // The save dialog already asked before replacing a file.
          const saved = await api.saveStatement(statement, format, path, true);
          status.className = "success";
          status.textContent = words.saved(saved.path);
        } catch (err) {
          status.className = "error";
          status.textContent = errorMessage(err);
        }
      },
    }, label);
  return h("div", { class: "statement-export" },
    h("div", { class: "actions start" }, button("csv", words.exportCsv), button("json", words.exportJson)),
    status);
}
