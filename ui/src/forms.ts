// Errors shown on a form: the message, its code for tests and styling, and the field it
// is about marked invalid, selected and focused so the person can type again at once.

import { errorCode, errorMessage } from "./errors";

export function refuseField(error: HTMLElement, field: HTMLInputElement, err: unknown): void {
  error.hidden = false;
  error.textContent = errorMessage(err);
  error.dataset.code = errorCode(err) ?? "";
  field.setAttribute("aria-invalid", "true");
  field.select();
  field.focus();
}
