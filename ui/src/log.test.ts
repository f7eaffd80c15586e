import { describe, expect, it } from "vitest";
import type { LogEntry } from "./api/bindings";
import { logRowText } from "./views/log";

const entry = (kind: LogEntry["kind"], dataset: string | null, changed: boolean): LogEntry => ({
  index: 1, id: "ab".repeat(32), kind, author: "cd".repeat(32), claimed_time: 0, log_time: null,
  dataset, consent_changed: changed,
});

describe("logRowText", () => {
  it("names the dataset a row is about", () => {
    expect(logRowText(entry("ConsentSet", "runs", false))).toBe("Consent recorded · runs");
    expect(logRowText(entry("Genesis", null, false))).toBe("Cooperative founded");
  });
  it("says a consent edit is a change, not a withdrawal", () => {
    expect(logRowText(entry("ConsentWithdraw", "runs", true))).toBe("Consent changed: earlier terms ended · runs");
    expect(logRowText(entry("ConsentSet", "runs", true))).toBe("Consent changed: new terms recorded · runs");
    expect(logRowText(entry("ConsentWithdraw", "runs", false))).toBe("Consent withdrawn · runs");
  });
});
