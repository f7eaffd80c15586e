import { describe, expect, it } from "vitest";
import type { GrantView, RequestView } from "./api/bindings";
import { endsSoon, grantSentence, grantState, holdersText, periodText, requestStatusText, timeLeftText } from "./access";

const grant: GrantView = {
  id: "a".repeat(64), request: "b".repeat(64), trainer: "c".repeat(64), member: "d".repeat(64),
  mine: true, to_me: false, dataset: "runs", dataset_id: "e".repeat(64), first_epoch: 0, last_epoch: 1,
  window_start: 1_800_000_000, window_end: 1_802_592_000, credits: 5, purpose: "ModelTraining",
  license: "CC-BY-NC-4.0", delivered: true, live: true, revoked: false, ending: null,
  served_requests: 0, served_bytes: 0, root: "1".repeat(64), capability: "2".repeat(64),
};

const request: RequestView = {
  id: "f".repeat(64), trainer: "c".repeat(64), mine: false, purpose: "ModelTraining",
  categories: ["fitness"], license: "CC-BY-NC-4.0", period_secs: 30 * 86_400, credits: 5,
  deadline: 1_800_000_000, status: "pending", denial_reason: null, approvals: 1, threshold: 2,
  stewards: 3, approved_by_me: false, window_start: null, window_end: null, matching: 4,
  released: 0, pending: [], asks_me: [],
};

describe("grants in words", () => {
  it("tells the member who can decrypt what, until when, and what it earns", () => {
    const s = grantSentence(grant);
    expect(s).toContain("cccccccccccc");
    expect(s).toContain("runs");
    expect(s).toContain("5 credits");
    expect(s).toContain("CC-BY-NC-4.0");
  });
  it("says when a grant is not live, and how it ended", () => {
    expect(grantState({ ...grant, live: false, delivered: false })).toBe("pending");
    const expired = { ...grant, live: false, ending: { ended: "expired" as const, at: grant.window_end } };
    expect(grantState(expired)).toBe("expired");
    expect(grantSentence(expired)).toContain("expired");
    expect(grantSentence({ ...expired, mine: false, to_me: true })).toContain("deletes its key");
    expect(grantSentence({ ...expired, mine: false })).toContain("Trainer cccccccccccc's access to the data of member");
    const byMember = {
      ...grant, live: false, revoked: true,
      ending: { ended: "revoked" as const, by: grant.member, by_member: true, reason: "changed my mind" },
    };
    expect(grantState(byMember)).toBe("revoked");
    expect(grantSentence(byMember)).toBe(
      "Trainer cccccccccccc's access to your runs was revoked by you (“changed my mind”).");
    const bySteward = {
      ...byMember, mine: false, ending: { ended: "revoked" as const, by: "9".repeat(64), by_member: false, reason: "" },
    };
    expect(grantSentence(bySteward)).toContain("revoked by steward 999999999999.");
  });
  it("counts a live grant down and says when it ends soon", () => {
    expect(timeLeftText(grant, grant.window_end - 3_725)).toBe("1 h 2 min left");
    expect(timeLeftText(grant, grant.window_end)).toBe("Closing now");
    expect(endsSoon(grant, grant.window_start + 10)).toBe(false);
    expect(endsSoon(grant, grant.window_end - 3_600)).toBe(true);
    expect(endsSoon({ ...grant, live: false }, grant.window_end - 3_600)).toBe(false);
  });
  it("computes the holders line of a dataset from its live grants", () => {
    expect(holdersText([], "runs")).toBe("No keys released to anyone");
    expect(holdersText([{ ...grant, live: false }], "runs")).toBe("No keys released to anyone");
    expect(holdersText([grant], "other")).toBe("No keys released to anyone");
    expect(holdersText([grant], "runs")).toMatch(/^Keys released to trainer cccccccccccc until /);
  });
});

describe("requests in words", () => {
  it("says where a request stands", () => {
    expect(requestStatusText(request)).toBe("Waiting for approvals: 1 of 2");
    expect(requestStatusText({ ...request, status: "approved", released: 2 })).toBe("Approved: 2 of 4 matching released");
    expect(requestStatusText({ ...request, status: "denied", denial_reason: "too broad" })).toBe("Denied: too broad");
    expect(requestStatusText({ ...request, status: "expired", window_end: 1_800_000_000 })).toMatch(/^Expired on /);
  });
  it("names periods in their largest whole unit", () => {
    expect(periodText(30 * 86_400)).toBe("30 days");
    expect(periodText(86_400)).toBe("1 day");
    expect(periodText(7_200)).toBe("2 hours");
    expect(periodText(20)).toBe("20 seconds");
  });
});
