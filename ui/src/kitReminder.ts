// Whether this identity's recovery kit was confirmed saved, remembered by the window, so
// that quitting on the kit screen does not skip the kit for good: until a kit is
// confirmed (at the first run, in Settings, or by restoring from one), My data says so.

const key = (identity: string) => `datacoop.kit-confirmed.${identity}`;

export function kitConfirmed(identity: string): boolean {
  try {
    return localStorage.getItem(key(identity)) === "yes";
  } catch {
    return false;
  }
}

export function markKitConfirmed(identity: string): void {
  try {
    localStorage.setItem(key(identity), "yes");
  } catch {
    // Without storage the reminder shows again next time: the safe side.
  }
}
