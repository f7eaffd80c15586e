// The window's own check of a pasted invitation, before anything is sent: the node says
// the rest (damaged, used, expired, forged), each in its own words.

import { en } from "./i18n/en";

/** What is wrong with a pasted ticket, or null. */
export function ticketProblem(text: string): string | null {
  const ticket = text.trim();
  if (!ticket) return en.coop.ticketMissing;
  if (!ticket.toLowerCase().startsWith("dcinvite")) return en.coop.ticketNotOne;
  return null;
}
