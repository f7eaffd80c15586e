// Turns a command's error into a sentence from the catalogue.

import type { CommandError } from "./api/bindings";
import { en } from "./i18n/en";

export function isCommandError(e: unknown): e is CommandError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

/** A message for people: the catalogue's text for known codes, else the node's own words. */
export function errorMessage(e: unknown): string {
  if (isCommandError(e)) {
    const known = en.errors[e.code];
    if (typeof known === "string") return known;
    const generic = en.errors.generic as (m: string) => string;
    return generic(e.message);
  }
  const generic = en.errors.generic as (m: string) => string;
  return generic(e instanceof Error ? e.message : String(e));
}

export function errorCode(e: unknown): string | null {
  return isCommandError(e) ? e.code : null;
}
