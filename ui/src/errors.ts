// Turns a command's error into a sentence from the catalogue.

import type { Code, CommandError } from "./api/bindings";
import { en } from "./i18n/en";

export function isCommandError(e: unknown): e is CommandError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

/** Codes whose own message (which file, which operation, who ended a grant and why) helps
 * beside the catalogue's. */
const DETAILED =
  /^(io|ledger|integrity|keystore|control)\.|^(unknown|usage|auth\.invalid_recovery_phrase|access\.revoked|access\.expired)$/;

/** A message for people: the catalogue's text for the code, with the node's details for
 * low-level failures; the error's own words when it carries no code. */
export function errorMessage(e: unknown): string {
  if (isCommandError(e)) {
    // A file problem is said as a sentence naming the one path to do something about.
    if (e.io) return en.ioProblem[e.io.kind](e.io.subject);
    const known: string | undefined = en.errors[e.code];
    if (known === undefined) return en.errorDetail(en.errors.unknown, e.message);
    return DETAILED.test(e.code) ? en.errorDetail(known, e.message) : known;
  }
  return en.errorGeneric(e instanceof Error ? e.message : String(e));
}

export function errorCode(e: unknown): Code | null {
  return isCommandError(e) ? e.code : null;
}
