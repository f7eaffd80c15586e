// Theme: follow the system (live, through CSS `prefers-color-scheme`) or force one.

export type ThemeChoice = "system" | "light" | "dark";
const KEY = "datacoop.theme";

export function parseTheme(value: string | null): ThemeChoice {
  return value === "light" || value === "dark" ? value : "system";
}

export function loadTheme(storage: Pick<Storage, "getItem"> = localStorage): ThemeChoice {
  return parseTheme(storage.getItem(KEY));
}

/** Applies and remembers the choice. `system` removes the override. */
export function applyTheme(
  choice: ThemeChoice,
  root: HTMLElement = document.documentElement,
  storage: Pick<Storage, "setItem"> = localStorage,
): void {
  if (choice === "system") root.removeAttribute("data-theme");
  else root.setAttribute("data-theme", choice);
  storage.setItem(KEY, choice);
}
