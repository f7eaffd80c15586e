// A determinate progress bar with bytes, rate, time left, the current file and Cancel.

import type { Progress } from "../api/bindings";
import { h } from "../dom";
import { formatBytes, formatCount, formatDuration, formatRate } from "../format";
import { en } from "../i18n/en";
import { ProgressTracker } from "../progress";

export interface ProgressPanel {
  el: HTMLElement;
  update(p: Progress): void;
  /** Work ended (done, failed or cancelled): the Cancel button goes away. */
  end(): void;
}

export function progressPanel(title: string, onCancel: () => void): ProgressPanel {
  const tracker = new ProgressTracker();
  const bar = h("progress", { id: "progress-bar", max: 100, value: 0, "aria-label": title });
  const numbers = h("p", { class: "progress-numbers", id: "progress-numbers" }, en.progress.measuring);
  const current = h("p", { class: "progress-current muted" });
  const cancel = h(
    "button",
    {
      type: "button",
      id: "progress-cancel",
      class: "secondary",
      onclick: () => {
        cancel.setAttribute("disabled", "");
        cancel.textContent = en.progress.cancelling;
        onCancel();
      },
    },
    en.progress.cancel,
  );
  const el = h(
    "section",
    { class: "progress-panel", id: "progress", "aria-live": "polite", "aria-label": title },
    h("div", { class: "progress-head" }, h("h3", {}, title), cancel),
    bar,
    numbers,
    current,
  );
  return {
    el,
    update(p) {
      const est = tracker.update(p, performance.now());
      bar.value = Math.round(est.fraction * 100);
      const parts = [en.progress.bytes(formatBytes(est.bytesDone), formatBytes(est.bytesTotal))];
      if (est.rate !== null) parts.push(en.progress.rate(formatRate(est.rate)));
      if (est.etaSeconds !== null && est.fraction < 1) parts.push(en.progress.eta(formatDuration(est.etaSeconds)));
      if (est.rate === null && est.fraction < 1) parts.push(en.progress.measuring);
      numbers.textContent = parts.join(" · ");
      const files = en.progress.files(
        formatCount(Math.min(p.files_done + 1, p.files_total)),
        formatCount(p.files_total),
      );
      current.textContent = p.current ? `${files}: ${p.current}` : files;
    },
    end() {
      cancel.remove();
    },
  };
}
