// The recovery phrase as typed or pasted: "1. sing 2. will …" counts as its 24 words.
// Whether each word is a recovery word, and whether they fit together, is checked by the
// app when the form is sent (it names the word that is wrong).

import { en } from "./i18n/en";

/** The words of a typed or pasted phrase, without the numbers the kit screen shows. */
export function phraseWords(text: string): string[] {
  return text
    .split(/\s+/)
    .filter((token) => token !== "" && !/^\d+[.)]?$/.test(token));
}

/** What is wrong with the phrase's shape, or null when it has 24 words. */
export function phraseProblem(text: string): string | null {
  const words = phraseWords(text);
  if (words.length === 0) return en.restore.phraseMissing;
  return words.length === 24 ? null : en.restore.phraseCount(words.length);
}
