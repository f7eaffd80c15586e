import { describe, expect, it } from "vitest";
import { ProgressTracker } from "./progress";

const sample = (bytes_done: number, bytes_total = 1000, files_done = 0, files_total = 4) => ({
  bytes_done, bytes_total, files_done, files_total, current: "a.csv",
});

describe("ProgressTracker", () => {
  it("has no rate or ETA from a single report", () => {
    const t = new ProgressTracker();
    const e = t.update(sample(100), 0);
    expect(e.fraction).toBeCloseTo(0.1);
    expect(e.rate).toBeNull();
    expect(e.etaSeconds).toBeNull();
  });
  it("measures the rate over time and derives the time left", () => {
    const t = new ProgressTracker();
    t.update(sample(0), 0);
    t.update(sample(250), 500);
    const e = t.update(sample(500), 1000);
    expect(e.rate).toBeCloseTo(500);
    expect(e.etaSeconds).toBeCloseTo(1);
  });
  it("forgets samples older than its window so the rate follows changes", () => {
    const t = new ProgressTracker(1000);
    t.update(sample(0, 10_000), 0);
    t.update(sample(100, 10_000), 1000); // slow start: 100 B/s
    t.update(sample(2100, 10_000), 2000); // then 2000 B/s
    const e = t.update(sample(4100, 10_000), 3000);
    expect(e.rate).toBeGreaterThan(1500);
  });
  it("is complete at the end, and counts files when sizes are all zero", () => {
    const t = new ProgressTracker();
    expect(t.update(sample(1000, 1000, 4, 4), 0).fraction).toBe(1);
    expect(t.update(sample(1000, 1000, 4, 4), 0).etaSeconds).toBe(0);
    const empty = new ProgressTracker();
    expect(empty.update(sample(0, 0, 1, 4), 0).fraction).toBeCloseTo(0.25);
  });
});
