// A dataset's files: a virtualised table (only rows in view are in the page, so tens of
// thousands of files stay quick) that works from the keyboard, and the details of the
// file picked in it.

import type { Entry } from "../api/bindings";
import { h, mount, technical } from "../dom";
import { formatBytes, formatDate, plainType } from "../format";
import { en } from "../i18n/en";
import { moveActive, scrollToShow, visibleRows } from "../virtual";

/** Every row is this tall (CSS pins it), so positions are arithmetic. */
const ROW_HEIGHT = 36;

/** A cell's text, cut with an ellipsis when the column is too narrow. */
function cell(text: string): HTMLElement {
  return h("span", { class: "cell" }, text);
}

export interface FileList {
  el: HTMLElement;
}

/** The table of `entries`; picking a row (click, Enter or Space) shows it in `details`. */
export function fileList(entries: Entry[], details: HTMLElement): FileList {
  const c = en.dataset.columns;
  const body = h("tbody");
  const head = h("thead", {}, h("tr", {},
    h("th", { scope: "col", class: "col-name" }, c.name),
    h("th", { scope: "col", class: "col-type" }, c.type),
    h("th", { scope: "col", class: "num col-size" }, c.size),
    h("th", { scope: "col", class: "col-added" }, c.added)));
  const table = h("table", {
    class: "files",
    id: "files-table",
    role: "grid",
    tabindex: 0,
    "aria-rowcount": entries.length + 1,
    "aria-label": en.dataset.filesLabel(entries.length),
    "aria-describedby": "files-help",
  }, h("caption", { class: "visually-hidden" }, en.dataset.files), head, body);
  const wrap = h("div", { class: "table-wrap", id: "files-scroll" }, table);
  let active = -1;
  let picked = -1;
  let drawn = "";

  const draw = () => {
    const headHeight = head.getBoundingClientRect().height;
    const w = visibleRows(wrap.scrollTop, wrap.clientHeight - headHeight, ROW_HEIGHT, entries.length);
    // Rebuild rows only when the window of rows changes; a changed selection only marks
    // them. Rows stay the same elements under a click (a rebuild between mousedown and
    // mouseup would swallow it) and for assistive technology.
    const key = `${w.start}:${w.end}`;
    if (key === drawn) {
      mark();
      return;
    }
    drawn = key;
    const spacer = (rows: number) => {
      if (rows <= 0) return null;
      const row = h("tr", { class: "spacer", "aria-hidden": "true" }, h("td", { colspan: 4 }));
      // Through the CSSOM: the CSP forbids style attributes.
      row.style.height = `${rows * ROW_HEIGHT}px`;
      return row;
    };
    const rows = entries.slice(w.start, w.end).map((e, i) => {
      const index = w.start + i;
      return h("tr", {
        class: "file-row",
        id: `file-row-${index}`,
        role: "row",
        "aria-rowindex": index + 2,
        "data-index": index,
        "data-name": e.name,
        onclick: () => {
          setActive(index);
          pick(index);
        },
      },
        h("td", { class: "file-name", role: "gridcell", title: e.name }, cell(e.name)),
        h("td", { class: "muted col-type", role: "gridcell" }, cell(plainType(e.media_type, e.name))),
        h("td", { class: "num size col-size", role: "gridcell", "data-bytes": e.size }, cell(formatBytes(e.size))),
        h("td", { class: "muted col-added", role: "gridcell" }, cell(formatDate(e.added_at))));
    });
    mount(body, spacer(w.start), rows, spacer(entries.length - w.end));
    mark();
  };

  const mark = () => {
    for (const row of body.querySelectorAll<HTMLElement>("tr.file-row")) {
      const index = Number(row.dataset.index);
      row.setAttribute("aria-selected", index === picked ? "true" : "false");
      if (index === active) row.dataset.active = "true";
      else delete row.dataset.active;
    }
    if (active >= 0) table.setAttribute("aria-activedescendant", `file-row-${active}`);
    else table.removeAttribute("aria-activedescendant");
  };

  const setActive = (index: number) => {
    active = index;
    const headHeight = head.getBoundingClientRect().height;
    wrap.scrollTop = scrollToShow(index, wrap.scrollTop, wrap.clientHeight, ROW_HEIGHT, headHeight);
    draw();
  };

  const pick = (index: number) => {
    picked = index;
    draw();
    showDetails(details, entries[index]);
  };

  let pending = false;
  wrap.addEventListener("scroll", () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      draw();
    });
  });
  table.addEventListener("keydown", (event) => {
    if ((event.key === "Enter" || event.key === " ") && active >= 0) {
      event.preventDefault();
      pick(active);
      return;
    }
    const page = Math.max(1, Math.floor(wrap.clientHeight / ROW_HEIGHT) - 1);
    const to = moveActive(event.key, active, entries.length, page);
    if (to === null) return;
    event.preventDefault();
    setActive(to);
  });
  table.addEventListener("focus", () => {
    // The first row in view becomes active, without scrolling: focus may come from a
    // click on another row, which must land on the row it was aimed at.
    if (active < 0 && entries.length > 0) {
      active = Math.min(Math.ceil(wrap.scrollTop / ROW_HEIGHT), entries.length - 1);
      mark();
    }
  });

  // The first draw needs the table in the page to know its height.
  requestAnimationFrame(draw);
  draw();
  return {
    el: h("div", {},
      h("p", { class: "muted small", id: "files-help" }, en.dataset.filesHelp),
      wrap),
  };
}

function showDetails(details: HTMLElement, e: Entry): void {
  // The details are announced, not focused: the focus stays in the list.
  const d = en.dataset.details;
  const item = (label: string, value: string, mono = false, id?: string) => [
    h("dt", {}, label),
    h("dd", { class: mono ? "mono small" : undefined, id }, value),
  ];
  details.hidden = false;
  mount(details,
    h("h2", { id: "file-details-title", tabindex: -1 }, e.name),
    h("dl", { class: "details" },
      item(d.type, plainType(e.media_type, e.name)),
      item(d.size, formatBytes(e.size), false, "file-details-size"),
      item(d.stored, formatBytes(e.stored_size)),
      item(d.added, formatDate(e.added_at)),
      item(d.where, d.whereLocal)),
    technical({ id: "file-details-technical" },
      h("dl", { class: "details" },
        item(d.mediaType, e.media_type, true),
        item(d.epoch, String(e.epoch)),
        item(d.plaintextHash, e.plaintext_hash, true, "file-details-hash"),
        item(d.blobHash, e.blob_hash, true)),
      h("p", { class: "muted small" }, en.dataset.hashHint)));
}
