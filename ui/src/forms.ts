// Errors shown on a form: the message, its code for tests and styling, and the field it
// is about marked invalid, selected and focused so the person can type again at once.

import { h, reveal } from "./dom";
import { errorCode, errorMessage } from "./errors";

export function refuseField(error: HTMLElement, field: HTMLInputElement, err: unknown): void {
  error.hidden = false;
  error.textContent = errorMessage(err);
  error.dataset.code = errorCode(err) ?? "";
  field.setAttribute("aria-invalid", "true");
  field.select();
  field.focus();
}

/** One field's rule: the problem with its value now, or null when it is fine. */
export interface FieldCheck {
  field: HTMLInputElement | HTMLTextAreaElement;
  problem: () => string | null;
  /** Checked from the first keystroke (a character rule), not only once the field was
   * left (a confirmation, which is wrong until it is finished). */
  eager?: boolean;
}

/** A form's checks, run as the person types: each field's problem is shown beside it
 * once the field was left (or the form was sent), and goes as soon as it is fixed. */
export interface LiveChecks {
  /** The message element to place right after `field`. */
  messageFor(field: HTMLElement): HTMLElement;
  /** Shows every problem; focuses the first field that has one. True when none has. */
  validate(): boolean;
}

// A field is left when the mouse goes down on something else; its problem then appears
// under it and can move that something (a button) away before the mouse comes up, which
// swallows the click. So a problem found on leaving waits until the press is over.
let pressing = false;
let afterPress: (() => void)[] = [];
document.addEventListener("mousedown", () => (pressing = true), true);
document.addEventListener("mouseup", () => {
  pressing = false;
  const waiting = afterPress;
  afterPress = [];
  // After the click the press makes, which is dispatched in this same task.
  if (waiting.length) setTimeout(() => waiting.forEach((f) => f()), 0);
}, true);

function whenNotPressing(f: () => void): void {
  if (pressing) afterPress.push(f);
  else f();
}

export function liveChecks(checks: FieldCheck[]): LiveChecks {
  const touched = new Set<HTMLElement>();
  // Leaving a field never typed into says nothing (passing through a form is not a
  // mistake).
  const edited = new Set<HTMLElement>();
  const messages = new Map<HTMLElement, HTMLElement>();
  for (const { field } of checks) {
    const message = h("p", { class: "field-problem", id: `${field.id}-problem`, "aria-live": "polite", hidden: true });
    messages.set(field, message);
    const described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", described ? `${described} ${message.id}` : message.id);
  }
  const show = (check: FieldCheck): boolean => {
    const problem = check.problem();
    const message = messages.get(check.field) as HTMLElement;
    message.hidden = problem === null;
    message.textContent = problem ?? "";
    if (problem === null) check.field.removeAttribute("aria-invalid");
    else check.field.setAttribute("aria-invalid", "true");
    return problem === null;
  };
  // One field's value can change another's verdict (a confirmation), so every field
  // already left is checked again on each keystroke.
  const refresh = () => checks.filter((c) => touched.has(c.field)).forEach(show);
  for (const check of checks) {
    check.field.addEventListener("input", () => {
      edited.add(check.field);
      if (check.eager) touched.add(check.field);
      refresh();
    });
    check.field.addEventListener("blur", () => {
      if (!edited.has(check.field)) return;
      touched.add(check.field);
      whenNotPressing(() => show(check));
    });
  }
  return {
    messageFor: (field) => messages.get(field) as HTMLElement,
    validate: () => {
      let first: FieldCheck | null = null;
      for (const check of checks) {
        touched.add(check.field);
        if (!show(check) && !first) first = check;
      }
      if (first) {
        first.field.focus();
        reveal(messages.get(first.field) as HTMLElement);
      }
      return first === null;
    },
  };
}
