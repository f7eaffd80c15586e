import { describe, expect, it } from "vitest";
import { formatBytes, formatCount, formatDuration, formatRate, plainType } from "./format";

describe("formatBytes", () => {
  it("uses decimal units with one decimal below 100", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(1000)).toBe("1.0 kB");
    expect(formatBytes(1536)).toBe("1.5 kB");
    expect(formatBytes(123_456)).toBe("123 kB");
    expect(formatBytes(40_000_000)).toBe("40.0 MB");
    expect(formatBytes(2.5e12)).toBe("2.5 TB");
  });
  it("refuses nonsense", () => {
    expect(formatBytes(-1)).toBe("–");
    expect(formatBytes(Number.NaN)).toBe("–");
  });
  it("formats rates and counts", () => {
    expect(formatRate(8_100_000)).toBe("8.1 MB/s");
    expect(formatCount(1234567)).toBe("1,234,567");
  });
});

describe("formatDuration", () => {
  it("rounds up to whole seconds and groups minutes and hours", () => {
    expect(formatDuration(0)).toBe("0 s");
    expect(formatDuration(3.2)).toBe("4 s");
    expect(formatDuration(60)).toBe("1 min");
    expect(formatDuration(125)).toBe("2 min 5 s");
    expect(formatDuration(3600)).toBe("1 h");
    expect(formatDuration(3780)).toBe("1 h 3 min");
    expect(formatDuration(Infinity)).toBe("–");
  });
});

describe("plainType", () => {
  it("says file types in words, not media types", () => {
    expect(plainType("text/csv", "monday.csv")).toBe("Spreadsheet (CSV)");
    expect(plainType("application/gpx+xml", "tuesday.gpx")).toBe("GPS track (GPX)");
    expect(plainType("image/heic", "cat.heic")).toBe("Image");
    expect(plainType("application/octet-stream", "long-run.fit")).toBe("FIT file");
    expect(plainType("application/octet-stream", "README")).toBe("File");
  });
});
