// A very small element builder: h("button", { class: "primary", onclick }, "Save").

import { en } from "./i18n/en";

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, unknown>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value as EventListener);
    } else if (key === "value" && "value" in el) {
      (el as HTMLInputElement).value = String(value);
    } else if (key === "checked" && "checked" in el) {
      (el as HTMLInputElement).checked = Boolean(value);
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** Replaces the children of `parent`. */
export function mount(parent: Element, ...children: (Child | Child[])[]): void {
  parent.replaceChildren();
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
}

/** Scrolls `el` into view once the browser has laid it out (after any focus scrolling). */
export function reveal(el: Element): void {
  requestAnimationFrame(() => el.scrollIntoView({ block: "nearest" }));
}

/** Technical words (ids, hashes, formats) kept behind a closed "Technical details"
 * disclosure, so everyday screens read plainly and the details are one click away. */
export function technical(attrs: Attrs, ...children: (Child | Child[])[]): HTMLElement {
  return h("details", { class: "technical", ...attrs }, h("summary", {}, en.technicalDetails), ...children);
}
