import { describe, expect, it } from "vitest";
import { moveActive, scrollToShow, visibleRows } from "./virtual";

describe("visibleRows", () => {
  it("draws the rows in view plus the overscan, clamped to the list", () => {
    expect(visibleRows(0, 360, 36, 10_000, 8)).toEqual({ start: 0, end: 19 });
    expect(visibleRows(36_000, 360, 36, 10_000, 8)).toEqual({ start: 992, end: 1019 });
    expect(visibleRows(359_640, 360, 36, 10_000, 8)).toEqual({ start: 9982, end: 10_000 });
  });
  it("draws everything in a short list and nothing in an empty one", () => {
    expect(visibleRows(0, 360, 36, 3)).toEqual({ start: 0, end: 3 });
    expect(visibleRows(0, 360, 36, 0)).toEqual({ start: 0, end: 0 });
  });
  it("survives a scroll offset past the end (a list that just shrank)", () => {
    const w = visibleRows(1_000_000, 360, 36, 5, 2);
    expect(w.start).toBeLessThan(5);
    expect(w.end).toBe(5);
  });
});

describe("scrollToShow", () => {
  it("scrolls up or down just enough, and not at all when the row is in view", () => {
    expect(scrollToShow(0, 100, 360, 36)).toBe(0);
    expect(scrollToShow(5, 0, 360, 36)).toBe(0);
    expect(scrollToShow(20, 0, 360, 36)).toBe(21 * 36 - 360);
    expect(scrollToShow(20, 0, 360, 36, 40)).toBe(21 * 36 - 320);
  });
});

describe("moveActive", () => {
  it("moves by one, by a page and to either end, staying in the list", () => {
    expect(moveActive("ArrowDown", -1, 10, 5)).toBe(0);
    expect(moveActive("ArrowDown", 9, 10, 5)).toBe(9);
    expect(moveActive("ArrowUp", 0, 10, 5)).toBe(0);
    expect(moveActive("PageDown", 3, 10, 5)).toBe(8);
    expect(moveActive("PageUp", 3, 10, 5)).toBe(0);
    expect(moveActive("End", 0, 10, 5)).toBe(9);
    expect(moveActive("Home", 7, 10, 5)).toBe(0);
  });
  it("ignores other keys and empty lists", () => {
    expect(moveActive("a", 1, 10, 5)).toBeNull();
    expect(moveActive("ArrowDown", -1, 0, 5)).toBeNull();
  });
});
