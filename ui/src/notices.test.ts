import { describe, expect, it } from "vitest";
import type { GrantView, RequestView } from "./api/bindings";
import { notices, type Reading } from "./notices";

const request: RequestView = {
  id: "f".repeat(64), trainer: "c".repeat(64), mine: false, purpose: "ModelTraining",
  categories: ["fitness"], license: "CC-BY-NC-4.0", period_secs: 86_400, credits: 5,
  deadline: 1_800_000_000, status: "pending", denial_reason: null, approvals: 0, threshold: 1,
  stewards: 1, approved_by_me: false, window_start: null, window_end: null, matching: 1,
  released: 0, pending: [], asks_me: [],
};
const grant: GrantView = {
  id: "a".repeat(64), request: "f".repeat(64), trainer: "c".repeat(64), member: "d".repeat(64),
  mine: true, to_me: false, dataset: "runs", dataset_id: "e".repeat(64), first_epoch: 0, last_epoch: 0,
  window_start: 1, window_end: 2, credits: 5, purpose: "ModelTraining", license: "MIT",
  delivered: true, live: true, revoked: false, ending: null, served_requests: 0, served_bytes: 0,
  root: "1".repeat(64), capability: "2".repeat(64),
};
const member = (requests: RequestView[], grants: GrantView[] = []): Reading => ({ requests, grants, steward: false });

describe("the bell", () => {
  it("tells a member in ask mode that a request waits for an answer, once per request", () => {
    const asked = notices(null, member([{ ...request, asks_me: ["runs"] }]));
    expect(asked.map((n) => n.key)).toEqual([`ask:${request.id}`]);
    expect(asked[0].text).toContain("runs");
  });
  it("tells a steward what waits for review, and not once they approved", () => {
    expect(notices(null, { requests: [request], grants: [], steward: true })[0].key).toBe(`review:${request.id}`);
    expect(notices(null, { requests: [{ ...request, approved_by_me: true }], grants: [], steward: true })).toEqual([]);
  });
  it("tells a trainer its request was approved or denied, with the reason", () => {
    const mine = { ...request, mine: true };
    const approved = notices(member([mine]), member([{ ...mine, status: "approved" }]));
    expect(approved.map((n) => n.key)).toEqual([`approved:${request.id}`]);
    const denied = notices(member([mine]), member([{ ...mine, status: "denied", denial_reason: "too broad" }]));
    expect(denied[0].text).toContain("too broad");
  });
  it("tells a member a release happened and a trainer that one arrived", () => {
    expect(notices(member([]), member([], [grant]))[0].key).toBe(`released:${grant.id}`);
    const trainer = notices(member([{ ...request, mine: true }]), member([{ ...request, mine: true }], [{ ...grant, mine: false }]));
    expect(trainer.map((n) => n.key)).toEqual([`received:${grant.id}`]);
    expect(notices(member([], [grant]), member([], [grant]))).toEqual([]);
    // Released while the window was closed: news at the first reading, unless told before.
    expect(notices(null, member([], [grant]))[0].key).toBe(`released:${grant.id}`);
    expect(notices(null, member([], [grant]), new Set([grant.id]))).toEqual([]);
  });
  it("tells both sides a grant ends soon, and when it ended and how", () => {
    const live = { ...grant, window_start: 1_000, window_end: 101_000 };
    expect(notices(member([], [live]), member([], [live]), new Set(), 2_000)).toEqual([]);
    const soon = notices(member([], [live]), member([], [live]), new Set(), 99_000);
    expect(soon.map((n) => n.key)).toEqual([`ending:${grant.id}`]);
    const revoked = {
      ...live, live: false, revoked: true,
      ending: { ended: "revoked" as const, by: "9".repeat(64), by_member: false, reason: "license breached" },
    };
    const told = notices(member([], [live]), member([], [revoked]), new Set(), 50_000);
    expect(told.map((n) => n.key)).toEqual([`ended:${grant.id}`]);
    expect(told[0].text).toContain("license breached");
    // The trainer's side: its own request's grant expired.
    const mine = [{ ...request, mine: true }];
    const theirs = { ...live, mine: false, to_me: true };
    const expired = { ...theirs, live: false, ending: { ended: "expired" as const, at: 101_000 } };
    const trainer = notices(member(mine, [theirs]), member(mine, [expired]), new Set(), 102_000);
    expect(trainer.map((n) => n.key)).toEqual([`ended:${grant.id}`]);
    // Someone else's grant (a steward's reading) is no one's news here.
    const other = { ...expired, to_me: false };
    expect(notices(member([], [{ ...theirs, to_me: false }]), member([], [other]), new Set(), 102_000)).toEqual([]);
  });
});
