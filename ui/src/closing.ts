// What closing the window does: keep serving in the background (the default, so
// releases and pins go on) or quit. Remembered by the window, handed to the shell.

const KEY = "datacoop.closeQuits";

export function parseCloseQuits(value: string | null): boolean {
  return value === "true";
}

export function loadCloseQuits(storage: Pick<Storage, "getItem"> = localStorage): boolean {
  return parseCloseQuits(storage.getItem(KEY));
}

/** Remembers the choice; the caller hands it to the shell. */
export function saveCloseQuits(quits: boolean, storage: Pick<Storage, "setItem"> = localStorage): void {
  storage.setItem(KEY, String(quits));
}
