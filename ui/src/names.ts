// The rules for the names a person types, as the app applies them (datacoop-core's
// DatasetName and Category), so a form says what is wrong while they type.

import { en } from "./i18n/en";

/** What is wrong with a dataset name, or null. */
export function datasetNameProblem(name: string, taken: readonly string[] = []): string | null {
  const a = en.add;
  if (name.trim() === "") return a.nameMissing;
  if (name.length > 64) return a.nameTooLong;
  if (name.startsWith(".")) return a.nameDot;
  if (!/^[A-Za-z0-9._-]+$/.test(name)) return a.nameCharacters;
  if (taken.includes(name)) return a.nameTaken(name);
  return null;
}

/** What is wrong with a category, or null. */
export function categoryProblem(category: string): string | null {
  const a = en.add;
  if (category.trim() === "") return a.categoryMissing;
  const ok = category.length <= 48 && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(category);
  return ok ? null : a.categoryRule;
}
