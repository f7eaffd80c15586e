// Consent, in words: the sentence that says what a consent will do, and which consent
// is in force for each dataset.

import type { ConsentView } from "./api/bindings";
import { en } from "./i18n/en";

export type PurposeName = keyof typeof en.purposes;

/** Durations offered, in days; null is "no limit of my own". */
export const DURATIONS: readonly (number | null)[] = [7, 30, 90, 180, 365, null];

/** The consent in force for each dataset: the newest one not withdrawn. */
export function inForce(consents: ConsentView[]): Map<string, ConsentView> {
  const map = new Map<string, ConsentView>();
  for (const c of consents) {
    if (!c.withdrawn) map.set(c.dataset, c);
  }
  return map;
}

/** Joins words as a list: "a", "a or b", "a, b or c". */
export function orList(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")}${en.consent.or}${items[items.length - 1]}`;
}

/** What the consent being edited will do, as one sentence. */
export function consentSentence(
  category: string,
  purposes: PurposeName[],
  maxDays: number | null,
  ask: boolean,
): string {
  const c = en.consent;
  if (purposes.length === 0) return c.sentenceNone(category);
  const what = orList(purposes.map((p) => en.purposes[p].plain));
  const period = maxDays === null ? c.anyPeriod : c.upTo(maxDays);
  return ask ? c.sentenceAsk(category, what, period) : c.sentenceAuto(category, what, period);
}

/** The terms a consent form edits. */
export interface Terms {
  purposes: PurposeName[];
  maxDays: number | null;
  ask: boolean;
}

/** The terms of a recorded consent. */
export function termsOf(view: ConsentView): Terms {
  return { purposes: view.purposes as PurposeName[], maxDays: view.max_days, ask: view.mode === "ask" };
}

/** Whether two sets of terms say the same (purposes in any order). */
export function sameTerms(a: Terms, b: Terms): boolean {
  const sorted = (t: Terms) => [...t.purposes].sort().join(",");
  return sorted(a) === sorted(b) && a.maxDays === b.maxDays && a.ask === b.ask;
}

/** What is in force, in plain words: "Active: research, up to 90 days, asks you first." */
export function consentStatus(terms: Terms | null): string {
  const c = en.consent;
  if (!terms) return c.none;
  const what = orList(terms.purposes.map((p) => en.purposes[p].plain));
  const period = terms.maxDays === null ? c.noLimitShort : c.upToShort(terms.maxDays);
  return c.active(what, period, terms.ask ? c.asksFirst : c.includesAutomatically);
}
