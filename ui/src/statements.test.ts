import { describe, expect, it } from "vitest";
import type { ActivityEntry, Earnings } from "./api/bindings";
import { activitySentence, chartPath, earningPoints, filterActivity } from "./statements";

const me = "d".repeat(64);
const entry = (over: Partial<ActivityEntry>): ActivityEntry => ({
  kind: "consent_given", time: 1_800_000_000, claimed_time: 1_800_000_000, index: 3,
  operation: "a".repeat(64), dataset: "runs", request: null, grant: null, trainer: null, by: null,
  purpose: null, credits: null, bytes: null, accepted: null, reason: null, ...over,
});

describe("activity in words", () => {
  it("says each kind of row plainly", () => {
    expect(activitySentence(entry({}), me)).toBe("You gave consent for runs.");
    expect(activitySentence(entry({ kind: "keys_released", trainer: "c".repeat(64), credits: 5 }), me))
      .toBe("Your computer released the keys of runs to trainer cccccccccccc; you earn 5 credits.");
    expect(activitySentence(entry({ kind: "data_served", trainer: "c".repeat(64), by: "e".repeat(64), bytes: 2_500_000 }), me))
      .toBe("Peer eeeeeeeeeeee sent trainer cccccccccccc 2.5 MB of runs.");
    expect(activitySentence(entry({ kind: "data_served", trainer: "c".repeat(64), by: null, bytes: 10 }), me))
      .toMatch(/^Your computer sent/);
    expect(activitySentence(entry({ kind: "grant_revoked", trainer: "c".repeat(64), by: null, reason: "enough" }), me))
      .toBe("Trainer cccccccccccc's access to runs was revoked by you (“enough”).");
    expect(activitySentence(entry({ kind: "ask_answered", accepted: false }), me)).toBe("You declined a request for runs.");
  });
  it("filters by group", () => {
    const rows = [entry({}), entry({ kind: "keys_released" }), entry({ kind: "grant_expired" }), entry({ kind: "data_served" })];
    expect(filterActivity(rows, "all")).toHaveLength(4);
    expect(filterActivity(rows, "consent").map((e) => e.kind)).toEqual(["consent_given"]);
    expect(filterActivity(rows, "ended").map((e) => e.kind)).toEqual(["grant_expired"]);
    expect(filterActivity(rows, "fetches").map((e) => e.kind)).toEqual(["data_served"]);
  });
});

describe("the earnings chart", () => {
  const earnings: Earnings = {
    total: 12,
    grants: [
      { grant: "g2", index: 9, time: 2_000, request: "r", trainer: "t", dataset: "runs", purpose: null,
        license: "MIT", credits: 7, window_end: 3_000, status: "live" },
      { grant: "g1", index: 5, time: 1_000, request: "r", trainer: "t", dataset: "runs", purpose: null,
        license: "MIT", credits: 5, window_end: 3_000, status: "expired" },
      { grant: "g3", index: 11, time: null, request: "r", trainer: "t", dataset: "runs", purpose: null,
        license: "MIT", credits: 1, window_end: 3_000, status: "waiting" },
    ],
  };
  it("runs the total up release by release, leaving out those without a log time", () => {
    expect(earningPoints(earnings)).toEqual([{ time: 1_000, total: 5 }, { time: 2_000, total: 12 }]);
  });
  it("draws a step line from the first release to now", () => {
    expect(chartPath(earningPoints(earnings), 100, 50, 3_000)).toBe("M0 50 H0.0 V29.2 H50.0 V0.0 H100");
    expect(chartPath([], 100, 50, 3_000)).toBe("");
  });
});
