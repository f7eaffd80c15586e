import { describe, expect, it } from "vitest";
import type { CreatedIdentity } from "./api/bindings";
import { next, screenForStatus, type Screen } from "./state";

const identity = { id: "ab".repeat(32), name: "Ada", x25519_public: "cd".repeat(32) };
const created: CreatedIdentity = { identity, kit: "kit text", phrase: "w ".repeat(24).trim() };

describe("screenForStatus", () => {
  it("maps each app state to its first screen", () => {
    expect(screenForStatus({ state: "no_identity", home: "/h" })).toEqual({ name: "welcome" });
    expect(screenForStatus({ state: "locked", home: "/h" })).toEqual({ name: "unlock", home: "/h" });
    expect(screenForStatus({ state: "unlocked", home: "/h", identity }).name).toBe("main");
    expect(screenForStatus({ state: "in_use", home: "/h", owner_kind: "serve", owner_pid: 7 })).toEqual({
      name: "in_use", home: "/h", ownerKind: "serve", ownerPid: 7,
    });
  });
});

describe("next", () => {
  it("walks the first run: welcome, create, kit (held until saved), cooperative, first data, My data", () => {
    let s: Screen = { name: "welcome" };
    s = next(s, { type: "start" });
    expect(s.name).toBe("create");
    expect(next(s, { type: "back" }).name).toBe("welcome");
    s = next(s, { type: "created", created });
    expect(s.name).toBe("kit");
    // Reading the status (now unlocked) must not skip the kit.
    expect(next(s, { type: "status", status: { state: "unlocked", home: "/h", identity } })).toBe(s);
    s = next(s, { type: "kit_saved", home: "/h" });
    expect(s).toEqual({ name: "coop_step", identity, home: "/h" });
    expect(next(s, { type: "status", status: { state: "unlocked", home: "/h", identity } })).toBe(s);
    expect(next(s, { type: "first_data_done" })).toBe(s);
    s = next(s, { type: "coop_done" });
    expect(s).toEqual({ name: "first_data", identity, home: "/h" });
    expect(next(s, { type: "status", status: { state: "unlocked", home: "/h", identity } })).toBe(s);
    s = next(s, { type: "first_data_done" });
    expect(s).toEqual({ name: "main", identity, home: "/h", section: "data", dataset: null });
  });
  it("locks and unlocks", () => {
    let s: Screen = { name: "main", identity, home: "/h", section: "settings", dataset: null };
    s = next(s, { type: "locked", home: "/h" });
    expect(s).toEqual({ name: "unlock", home: "/h" });
    s = next(s, { type: "unlocked", identity, home: "/h" });
    expect(s.name === "main" && s.section).toBe("data");
  });
  it("navigates between sections and datasets", () => {
    let s: Screen = { name: "main", identity, home: "/h", section: "data", dataset: null };
    s = next(s, { type: "open_dataset", dataset: "runs" });
    expect(s.name === "main" && s.dataset).toBe("runs");
    s = next(s, { type: "navigate", section: "settings" });
    expect(s.name === "main" && [s.section, s.dataset]).toEqual(["settings", null]);
  });
  it("keeps the screen as it is when its own section is chosen again", () => {
    const s: Screen = { name: "main", identity, home: "/h", section: "consent", dataset: null };
    expect(next(s, { type: "navigate", section: "consent" })).toBe(s);
    const inDataset: Screen = { name: "main", identity, home: "/h", section: "data", dataset: "runs" };
    expect(next(inDataset, { type: "navigate", section: "data" })).toEqual({ ...inDataset, dataset: null });
    // A refresh draws the same screen again.
    const again = next(s, { type: "refresh" });
    expect(again).not.toBe(s);
    expect(again).toEqual(s);
  });
  it("ignores events that do not belong to the screen", () => {
    const welcome: Screen = { name: "welcome" };
    expect(next(welcome, { type: "created", created })).toBe(welcome);
    expect(next(welcome, { type: "locked", home: "/h" })).toBe(welcome);
    const unlock: Screen = { name: "unlock", home: "/h" };
    expect(next(unlock, { type: "navigate", section: "settings" })).toBe(unlock);
  });
});

describe("restoring from a recovery kit", () => {
  it("goes welcome -> restore -> My data, and back returns to welcome", () => {
    const identity = { id: "ab".repeat(32), name: "Ada", x25519_public: "cd".repeat(32) };
    let s: Screen = next({ name: "welcome" }, { type: "restore" });
    expect(s).toEqual({ name: "restore", from: "welcome" });
    expect(next(s, { type: "back" })).toEqual({ name: "welcome" });
    s = next(s, { type: "restored", identity, home: "/h" });
    expect(s).toEqual({ name: "main", identity, home: "/h", section: "data", dataset: null });
    // A restore finishing anywhere else changes nothing.
    expect(next({ name: "create" }, { type: "restored", identity, home: "/h" })).toEqual({ name: "create" });
  });

  it("is offered to someone who forgot the passphrase, and back returns to unlocking", () => {
    const s = next({ name: "unlock", home: "/h" }, { type: "restore" });
    expect(s).toEqual({ name: "restore", from: "unlock", home: "/h" });
    expect(next(s, { type: "back" })).toEqual({ name: "unlock", home: "/h" });
  });
});
