// My data: dataset cards, a dataset's files, adding (path field, native dialogs, drag and
// drop) and exporting, each with a progress panel.

import { open } from "@tauri-apps/plugin-dialog";
import { CATEGORY_SUGGESTIONS, type DatasetSummary, type Entry, type Placement, type Skipped } from "../api/bindings";
import { api, newJob } from "../api/commands";
import { h, mount, reveal } from "../dom";
import { errorCode, errorMessage } from "../errors";
import { formatBytes, formatCount, formatDate } from "../format";
import { liveChecks } from "../forms";
import { en } from "../i18n/en";
import { categoryProblem, datasetNameProblem } from "../names";
import { appendPaths, parsePaths, suggestDatasetName } from "../paths";
import { keptText } from "../kept";
import { holdersText } from "../access";
import type { GrantView } from "../api/bindings";
import { onLogChanged } from "../live";
import { fileList } from "./files";
import { progressPanel } from "./progress";

export interface DataContext {
  openDataset(name: string): void;
  closeDataset(): void;
  /** Tells the shell that work is running (locking waits for it). */
  setBusy(busy: boolean): void;
  /** Where dropped paths go while this view is shown. */
  setDropTarget(target: ((paths: string[]) => void) | null): void;
  /** What to run when the node says datasets changed (an add from the command line). */
  onDatasetsChanged(reload: (() => void) | null): void;
}

function skeleton(rows: number): HTMLElement {
  return h("div", { class: "skeletons", "aria-busy": "true", "aria-label": en.loading },
    Array.from({ length: rows }, () => h("div", { class: "skeleton" })));
}

export function myDataView(ctx: DataContext): HTMLElement {
  const list = h("div", { id: "datasets" }, skeleton(3));
  const addSlot = h("div", { id: "add-slot" });
  const notice = h("p", { class: "success", id: "add-result", role: "status", hidden: true });
  const root = h(
    "div",
    { class: "page" },
    h("header", { class: "page-head" },
      h("h1", { tabindex: -1, "data-focus": true }, en.data.title),
      h("button", { id: "add-open", class: "primary", onclick: () => showAdd(null) }, en.data.add)),
    notice,
    addSlot,
    list,
  );
  let datasets: DatasetSummary[] = [];

  const showAdd = (preset: string | null, paths: string[] = []) =>
    openAddPanel(ctx, addSlot, notice, datasets, preset, paths, () => void load());
  ctx.setDropTarget((paths) => showAdd(null, paths));

  // Loads can overlap (the first render, then each finished add): only the newest one
  // may draw, or a slow early answer would put back a list from before the add.
  let generation = 0;
  let placement: Placement[] = [];
  let grants: GrantView[] = [];
  const load = async () => {
    const mine = ++generation;
    let fresh: typeof datasets;
    try {
      const [listing, released] = await Promise.all([api.listPlacement(), api.grantList()]);
      fresh = listing.datasets;
      placement = listing.placement;
      grants = released;
    } catch (err) {
      if (mine !== generation) return;
      mount(list, h("p", { class: "error", role: "alert" }, errorMessage(err)));
      return;
    }
    if (mine !== generation) return;
    datasets = fresh;
    if (datasets.length === 0) {
      mount(list, h("div", { class: "empty", id: "data-empty" },
        h("h2", {}, en.data.emptyTitle),
        h("p", {}, en.data.emptyBody),
        h("button", { class: "primary", onclick: () => showAdd(null) }, en.data.add)));
      return;
    }
    mount(list, h("ul", { class: "cards" }, datasets.map((d) =>
      h("li", {},
        h("button", {
          class: "dataset-card",
          "data-name": d.name,
          "aria-label": en.data.open(d.name),
          onclick: () => ctx.openDataset(d.name),
        },
          h("span", { class: "card-title" }, d.name),
          h("span", { class: "badge" }, d.category),
          h("span", { class: "card-stats" },
            `${en.data.card.items(formatCount(d.items))} · ${formatBytes(d.size)}`),
          h("span", { class: "muted small" }, en.data.card.created(formatDate(d.created_at))),
          h("span", { class: "muted small card-kept", "data-kept": d.name },
            keptText(placement.find((p) => p.dataset === d.name))),
          h("span", { class: "muted small card-keys", "data-keys": d.name },
            holdersText(grants, d.name)))))));
  };
  ctx.onDatasetsChanged(() => void load());
  // A steward's node reporting that it pins a dataset arrives as a log operation.
  onLogChanged(root, () => void load());
  void load();
  return root;
}

/** Opens the add panel in `slot` (or, if open, adds `paths` to it); a finished add
 * closes it, says what was added in `notice`, and calls `reload` either way. */
function openAddPanel(
  ctx: DataContext,
  slot: HTMLElement,
  notice: HTMLElement,
  datasets: DatasetSummary[],
  preset: string | null,
  paths: string[],
  reload: () => void,
): void {
  if (slot.firstChild) {
    const field = slot.querySelector<HTMLTextAreaElement>("#add-paths");
    if (field && paths.length) field.value = appendPaths(field.value, paths);
    return;
  }
  notice.hidden = true;
  mount(slot, addPanel(ctx, datasets, preset, paths, {
    close: () => mount(slot),
    done: (message) => {
      if (message) {
        mount(slot);
        notice.hidden = false;
        notice.textContent = message;
      }
      reload();
    },
  }));
  slot.querySelector<HTMLElement>("[data-focus]")?.focus();
}

interface AddHooks {
  close(): void;
  /** The close button's words (default: Close). */
  closeLabel?: string;
  /** Work ended; `message` says what was added, or is null after a failure. */
  done(message: string | null): void;
}

function addPanel(ctx: DataContext, datasets: DatasetSummary[], preset: string | null, initial: string[], hooks: AddHooks): HTMLElement {
  const NEW = "\u0000new";
  const select = h("select", { id: "add-dataset", "data-focus": preset === null },
    datasets.map((d) => h("option", { value: d.name, selected: d.name === preset }, `${d.name} (${d.category})`)),
    // Opened without a dataset in mind, the panel makes a new one: adding to an existing
    // dataset is chosen, never fallen into.
    h("option", { value: NEW, selected: preset === null || datasets.length === 0 }, en.add.newDataset));
  const newName = h("input", { id: "add-new-name", "aria-describedby": "add-new-name-hint", maxlength: 64 });
  const category = h("input", { id: "add-category", list: "category-suggestions", "aria-describedby": "add-category-hint", maxlength: 48 });
  const suggestions = h("datalist", { id: "category-suggestions" }, CATEGORY_SUGGESTIONS.map((c) => h("option", { value: c })));
  const paths = h("textarea", { id: "add-paths", rows: 3, spellcheck: "false", placeholder: en.add.pathsPlaceholder, "data-focus": preset !== null });
  const isNew = () => select.value === NEW;
  const checks = liveChecks([
    { field: newName, eager: true, problem: () => (isNew() ? datasetNameProblem(newName.value.trim(), datasets.map((d) => d.name)) : null) },
    { field: category, problem: () => (isNew() ? categoryProblem(category.value.trim()) : null) },
    { field: paths, problem: () => (parsePaths(paths.value).length ? null : en.add.pathsMissing) },
  ]);
  const newFields = h("div", { class: "new-dataset" },
    h("label", { for: "add-new-name" }, en.add.newName),
    h("p", { class: "hint", id: "add-new-name-hint" }, en.add.newNameHint),
    newName, checks.messageFor(newName),
    h("label", { for: "add-category" }, en.add.category),
    h("p", { class: "hint", id: "add-category-hint" }, en.add.categoryHint),
    category, suggestions, checks.messageFor(category));
  const syncNew = () => (newFields.hidden = select.value !== NEW);
  select.addEventListener("change", syncNew);
  syncNew();

  paths.value = appendPaths("", initial);
  const addPicked = (picked: string | string[] | null) => {
    if (!picked) return;
    const list = Array.isArray(picked) ? picked : [picked];
    paths.value = appendPaths(paths.value, list);
    if (select.value === NEW && !newName.value && list.length) newName.value = suggestDatasetName(list[0]);
    // Filled in for the person: what it fixed is checked again as if they had typed it.
    paths.dispatchEvent(new Event("input"));
  };
  const error = h("p", { class: "error", id: "add-error", role: "alert", hidden: true });
  const progressSlot = h("div");
  const submit = h("button", { id: "add-submit", type: "submit", class: "primary" }, en.add.submit);
  const fail = (msg: string, focus?: HTMLElement) => {
    error.hidden = false;
    error.textContent = msg;
    focus?.focus();
    reveal(error);
  };

  const form = h("form", {
    class: "card add-panel",
    "aria-label": en.add.title,
    onsubmit: async (e: Event) => {
      e.preventDefault();
      error.hidden = true;
      if (!checks.validate()) return;
      const list = parsePaths(paths.value);
      const creating = isNew();
      const dataset = creating ? newName.value.trim() : select.value;
      const job = newJob();
      const panel = progressPanel(en.progress.adding(dataset), () => void api.cancelJob(job));
      mount(progressSlot, panel.el);
      reveal(panel.el);
      submit.disabled = true;
      ctx.setBusy(true);
      try {
        const r = await api.addPaths(job, dataset, creating ? category.value.trim() : null, list, panel.update);
        panel.end();
        mount(progressSlot);
        const skipped = r.skipped.length
          ? en.add.addSkipped(formatCount(r.skipped.length), describeSkipped(r.skipped))
          : "";
        const unchanged = r.unchanged ? en.add.addUnchanged(formatCount(r.unchanged)) : "";
        hooks.done(r.files === 0 && r.unchanged > 0
          ? en.add.nothingNew(formatCount(r.unchanged), r.dataset) + skipped
          : en.add.added(formatCount(r.files), formatBytes(r.bytes), r.dataset) + unchanged + skipped);
      } catch (err) {
        panel.end();
        mount(progressSlot);
        fail(errorCode(err) === "cancelled" ? en.progress.cancelled : errorMessage(err));
        hooks.done(null);
      } finally {
        submit.disabled = false;
        ctx.setBusy(false);
      }
    },
  },
    h("div", { class: "page-head" }, h("h2", {}, en.add.title),
      h("button", { type: "button", class: "secondary", id: "add-close", onclick: hooks.close }, hooks.closeLabel ?? en.add.cancel)),
    h("label", { for: "add-dataset" }, en.add.dataset), select,
    newFields,
    h("label", { for: "add-paths" }, en.add.paths), paths, checks.messageFor(paths),
    h("div", { class: "actions start" },
      h("button", { type: "button", class: "secondary", id: "add-choose-files",
        onclick: async () => addPicked(await open({ multiple: true, directory: false })) }, en.add.chooseFiles),
      h("button", { type: "button", class: "secondary", id: "add-choose-folder",
        onclick: async () => addPicked(await open({ multiple: true, directory: true })) }, en.add.chooseFolder),
      h("span", { class: "muted small" }, en.add.drop)),
    error, progressSlot,
    h("div", { class: "actions" }, submit));
  return form;
}

/** The first run's last step: add a first dataset, or skip to My data. */
export function firstDataView(ctx: DataContext, onDone: () => void): HTMLElement {
  const slot = h("div");
  const panel = addPanel(ctx, [], null, [], {
    close: onDone,
    closeLabel: en.firstData.skip,
    done: (message) => {
      if (message) onDone();
    },
  });
  ctx.setDropTarget((paths) => {
    const field = panel.querySelector<HTMLTextAreaElement>("#add-paths");
    if (field) field.value = appendPaths(field.value, paths);
  });
  mount(slot, panel);
  return h("main", { class: "onboarding", id: "main" },
    h("div", { class: "wide" },
      h("h1", { tabindex: -1, "data-focus": true }, en.firstData.title),
      h("p", {}, en.firstData.intro),
      slot));
}

export function datasetView(ctx: DataContext, name: string): HTMLElement {
  const head = h("div", { class: "dataset-head" }, skeleton(1));
  const files = h("div", { id: "entries" }, skeleton(5));
  const details = h("section", { class: "card", id: "file-details", "aria-labelledby": "file-details-title", "aria-live": "polite", hidden: true });
  const addSlot = h("div");
  const notice = h("p", { class: "success", id: "add-result", role: "status", hidden: true });
  const exportSlot = h("div");
  let summary: DatasetSummary | null = null;

  const showAdd = (paths: string[] = []) =>
    openAddPanel(ctx, addSlot, notice, summary ? [summary] : [], name, paths, () => void load());
  ctx.setDropTarget((paths) => showAdd(paths));

  const load = async () => {
    let entries: Entry[];
    try {
      const all = await api.listDatasets();
      summary = all.find((d) => d.name === name) ?? null;
      entries = await api.listEntries(name);
    } catch (err) {
      mount(files, h("p", { class: "error", role: "alert" }, errorMessage(err)));
      return;
    }
    if (summary) {
      mount(head,
        h("span", { class: "badge" }, `${en.dataset.category}: ${summary.category}`),
        h("span", { id: "dataset-stats" }, `${en.data.card.items(formatCount(summary.items))} · ${formatBytes(summary.size)}`),
        h("span", { class: "muted small", id: "dataset-holders" },
          holdersText(await api.grantList().catch(() => []), name)));
    }
    if (entries.length === 0) {
      mount(files, h("p", { class: "empty" }, en.dataset.emptyFiles));
      return;
    }
    details.hidden = true;
    mount(files, fileList(entries, details).el);
  };

  // The name, and renaming it in place.
  const titleSlot = h("div", { class: "title-row" });
  const showTitle = () => mount(titleSlot,
    h("h1", { tabindex: -1, "data-focus": true, id: "dataset-title" }, name),
    h("button", { class: "link", id: "dataset-rename", onclick: () => showRename() }, en.dataset.rename));
  const showRename = () => {
    const field = h("input", { id: "rename-name", value: name, maxlength: 64, "aria-describedby": "rename-rule" });
    const taken = () => all.map((d) => d.name).filter((n) => n !== name);
    let all: DatasetSummary[] = [];
    void api.listDatasets().then((d) => (all = d), () => undefined);
    const checks = liveChecks([{ field, eager: true, problem: () => datasetNameProblem(field.value.trim(), taken()) }]);
    const error = h("p", { class: "error", id: "rename-error", role: "alert", hidden: true });
    const save = h("button", { type: "submit", class: "primary", id: "rename-save" }, en.dataset.renameSave);
    mount(titleSlot, h("form", {
      class: "rename-form", "aria-label": en.dataset.renameTitle(name), novalidate: true,
      onsubmit: async (e: Event) => {
        e.preventDefault();
        error.hidden = true;
        if (!checks.validate()) return;
        const to = field.value.trim();
        if (to === name) return showTitle();
        save.disabled = true;
        try {
          await api.renameDataset(name, to);
          ctx.openDataset(to);
        } catch (err) {
          error.hidden = false;
          error.textContent = errorMessage(err);
          save.disabled = false;
          field.focus();
        }
      },
      onkeydown: (e: KeyboardEvent) => {
        if (e.key === "Escape") {
          showTitle();
          titleSlot.querySelector<HTMLElement>("#dataset-rename")?.focus();
        }
      },
    },
      h("label", { for: "rename-name" }, en.dataset.renameLabel),
      h("p", { class: "hint", id: "rename-rule" }, en.dataset.renameRule),
      h("div", { class: "row" }, field, save,
        h("button", { type: "button", class: "secondary", id: "rename-cancel", onclick: () => {
          showTitle();
          titleSlot.querySelector<HTMLElement>("#dataset-rename")?.focus();
        } }, en.dataset.renameCancel)),
      checks.messageFor(field), error));
    field.focus();
    field.select();
  };
  showTitle();

  // Export.
  const out = h("input", { id: "export-path", placeholder: en.dataset.exportPathPlaceholder, spellcheck: "false" });
  const exportError = h("p", { class: "error", id: "export-error", role: "alert", hidden: true });
  const exportResult = h("p", { class: "success", id: "export-result", role: "status", hidden: true });
  const exportSubmit = h("button", { type: "submit", class: "primary", id: "export-submit" }, en.dataset.exportSubmit);
  const exportForm = h("form", {
    class: "card",
    "aria-label": en.dataset.exportTitle,
    onsubmit: async (e: Event) => {
      e.preventDefault();
      exportError.hidden = true;
      exportResult.hidden = true;
      const target = out.value.trim();
      if (!target) {
        exportError.hidden = false;
        exportError.textContent = en.dataset.exportPathMissing;
        out.focus();
        return;
      }
      const job = newJob();
      const panel = progressPanel(en.progress.exporting(name), () => void api.cancelJob(job));
      mount(exportSlot, panel.el);
      reveal(panel.el);
      exportSubmit.disabled = true;
      ctx.setBusy(true);
      try {
        const r = await api.exportDataset(job, name, target, panel.update);
        exportResult.hidden = false;
        const skipped = r.skipped.length
          ? en.dataset.exportSkipped(formatCount(r.skipped.length), describeSkipped(r.skipped))
          : "";
        exportResult.textContent = en.dataset.exported(formatCount(r.files), formatBytes(r.bytes), r.out) + skipped;
        reveal(exportResult);
      } catch (err) {
        exportError.hidden = false;
        exportError.textContent = errorCode(err) === "cancelled" ? en.progress.cancelledExport : errorMessage(err);
        reveal(exportError);
      } finally {
        panel.end();
        mount(exportSlot);
        exportSubmit.disabled = false;
        ctx.setBusy(false);
      }
    },
  },
    h("h2", {}, en.dataset.exportTitle),
    h("p", { class: "muted" }, en.dataset.exportIntro),
    h("label", { for: "export-path" }, en.dataset.exportPath),
    h("div", { class: "row" }, out,
      h("button", { type: "button", class: "secondary", onclick: async () => {
        const picked = await open({ directory: true, multiple: false });
        if (typeof picked === "string") out.value = picked;
      } }, en.dataset.choose)),
    exportError, exportSlot, exportResult,
    h("div", { class: "actions" }, exportSubmit));

  void load();
  return h("div", { class: "page" },
    h("nav", { class: "crumbs", "aria-label": en.dataset.breadcrumb },
      h("button", { class: "link", id: "back-to-data", onclick: () => ctx.closeDataset() }, `← ${en.dataset.back}`)),
    h("header", { class: "page-head" },
      titleSlot,
      h("button", { class: "primary", id: "add-open", onclick: () => showAdd() }, en.dataset.addHere)),
    head, notice, addSlot,
    h("h2", {}, en.dataset.files), files, details,
    exportForm);
}

/** Each skipped file with why, for a result line. */
function describeSkipped(skipped: Skipped[]): string {
  return skipped.map((s) => en.skippedItem(s.name, en.skipReasons[s.reason])).join(", ");
}
