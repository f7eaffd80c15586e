// Which screen the window shows, as a pure function of what the app reports and what the
// person did. Views render a Screen; they never decide transitions themselves.

import type { AppStatus, CreatedIdentity, PublicIdentity, OwnerKind } from "./api/bindings";

export type Section =
  | "data" | "consent" | "requests" | "grants" | "activity" | "earnings" | "log" | "cooperative" | "settings";

export type Screen =
  | { name: "loading" }
  | { name: "welcome" }
  | { name: "create" }
  /** Restoring from a recovery kit: on a new computer, or after a forgotten passphrase. */
  | { name: "restore"; from: "welcome" }
  | { name: "restore"; from: "unlock"; home: string }
  | { name: "kit"; created: CreatedIdentity }
  | { name: "coop_step"; identity: PublicIdentity; home: string }
  | { name: "first_data"; identity: PublicIdentity; home: string }
  | { name: "unlock"; home: string }
  | { name: "in_use"; home: string; ownerKind: OwnerKind; ownerPid: number }
  | { name: "unavailable"; home: string; message: string }
  | { name: "main"; identity: PublicIdentity; home: string; section: Section; dataset: string | null };

export type Event =
  | { type: "status"; status: AppStatus }
  | { type: "start" }
  | { type: "restore" }
  | { type: "restored"; identity: PublicIdentity; home: string }
  | { type: "back" }
  | { type: "created"; created: CreatedIdentity }
  | { type: "kit_saved"; home: string }
  | { type: "coop_done" }
  | { type: "first_data_done" }
  | { type: "unlocked"; identity: PublicIdentity; home: string }
  | { type: "locked"; home: string }
  | { type: "navigate"; section: Section }
  | { type: "refresh" }
  | { type: "open_dataset"; dataset: string }
  | { type: "close_dataset" };

/** Screens of the first run after the identity exists: a status read never replaces them. */
const FIRST_RUN_STEPS: ReadonlySet<Screen["name"]> = new Set(["kit", "coop_step", "first_data"]);

/** The screen for a freshly read app status. */
export function screenForStatus(status: AppStatus): Screen {
  switch (status.state) {
    case "no_identity":
      return { name: "welcome" };
    case "locked":
      return { name: "unlock", home: status.home };
    case "unlocked":
      return { name: "main", identity: status.identity, home: status.home, section: "data", dataset: null };
    case "in_use":
      return { name: "in_use", home: status.home, ownerKind: status.owner_kind, ownerPid: status.owner_pid };
    case "unavailable":
      return { name: "unavailable", home: status.home, message: status.message };
  }
}

/** The next screen. Events that make no sense on the current screen change nothing. */
export function next(screen: Screen, event: Event): Screen {
  switch (event.type) {
    case "status":
      // The first run's steps stay on screen until the person moves on, even if the app's
      // status (now unlocked) is read meanwhile: the recovery kit above all.
      return FIRST_RUN_STEPS.has(screen.name) ? screen : screenForStatus(event.status);
    case "start":
      return screen.name === "welcome" ? { name: "create" } : screen;
    case "restore":
      if (screen.name === "welcome") return { name: "restore", from: "welcome" };
      if (screen.name === "unlock") return { name: "restore", from: "unlock", home: screen.home };
      return screen;
    case "restored":
      return screen.name === "restore"
        ? { name: "main", identity: event.identity, home: event.home, section: "data", dataset: null }
        : screen;
    case "back":
      if (screen.name === "restore" && screen.from === "unlock") return { name: "unlock", home: screen.home };
      return screen.name === "create" || screen.name === "restore" ? { name: "welcome" } : screen;
    case "created":
      return screen.name === "create" ? { name: "kit", created: event.created } : screen;
    case "kit_saved":
      return screen.name === "kit"
        ? { name: "coop_step", identity: screen.created.identity, home: event.home }
        : screen;
    case "coop_done":
      return screen.name === "coop_step"
        ? { name: "first_data", identity: screen.identity, home: screen.home }
        : screen;
    case "first_data_done":
      return screen.name === "first_data"
        ? { name: "main", identity: screen.identity, home: screen.home, section: "data", dataset: null }
        : screen;
    case "unlocked":
      return screen.name === "unlock"
        ? { name: "main", identity: event.identity, home: event.home, section: "data", dataset: null }
        : screen;
    case "locked":
      return screen.name === "main" ? { name: "unlock", home: event.home } : screen;
    case "navigate":
      // Choosing the section already shown keeps it as it is (with any work on it).
      if (screen.name !== "main" || (screen.section === event.section && screen.dataset === null)) return screen;
      return { ...screen, section: event.section, dataset: null };
    case "refresh":
      // Something changed underneath (a cooperative was started): draw the screen again.
      return screen.name === "main" ? { ...screen } : screen;
    case "open_dataset":
      return screen.name === "main" ? { ...screen, section: "data", dataset: event.dataset } : screen;
    case "close_dataset":
      return screen.name === "main" ? { ...screen, dataset: null } : screen;
  }
}
