import { describe, expect, it } from "vitest";
import { loadCloseQuits, parseCloseQuits, saveCloseQuits } from "./closing";

describe("what closing the window does", () => {
  it("keeps serving unless the person chose to quit", () => {
    expect(parseCloseQuits(null)).toBe(false);
    expect(parseCloseQuits("yes")).toBe(false);
    expect(parseCloseQuits("false")).toBe(false);
    expect(parseCloseQuits("true")).toBe(true);
  });

  it("remembers the choice both ways", () => {
    const kept = new Map<string, string>();
    const storage = {
      getItem: (k: string) => kept.get(k) ?? null,
      setItem: (k: string, v: string) => void kept.set(k, v),
    };
    expect(loadCloseQuits(storage)).toBe(false);
    saveCloseQuits(true, storage);
    expect(loadCloseQuits(storage)).toBe(true);
    saveCloseQuits(false, storage);
    expect(loadCloseQuits(storage)).toBe(false);
  });
});
