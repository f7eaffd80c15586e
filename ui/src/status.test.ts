import { describe, expect, it, vi } from "vitest";
import type { CoopInfo } from "./api/bindings";
import { statusLines } from "./views/status";

vi.mock("./api/commands", () => ({ api: {} }));

const steward = "a".repeat(64);
const coop: CoopInfo = {
  id: "c".repeat(64),
  name: "Runners",
  role: "steward",
  stewards: [steward],
  threshold: 1,
  operator: steward,
  witnesses: [steward],
  witness_quorum: 1,
  unwitnessed: true,
  members: [{ id: steward, role: "steward", endpoint: "e".repeat(64), reachable: null }],
  awaiting: [],
  size: 3,
  latest_checkpoint: { size: 3, root: "r".repeat(64), signatures: 2, cosigned_by: [steward] },
  evidence: [],
};

describe("statusLines", () => {
  it("says when there is no cooperative", () => {
    expect(statusLines(null)).toEqual({ coop: "No cooperative yet", log: null, evidence: [], peers: null, offline: false });
  });
  it("names the cooperative, the role and the log in plain words", () => {
    const lines = statusLines(coop);
    expect(lines.coop).toBe("Runners · steward");
    expect(lines.log).toBe("Log: 3 signed entries · not cross-checked yet");
  });
  it("passes evidence through and says when checkpoints are witnessed", () => {
    const lines = statusLines({ ...coop, unwitnessed: false, evidence: [{ code: "evidence.inconsistency", summary: "two checkpoints of size 3 disagree" }] });
    expect(lines.log).toBe("Log: 3 signed entries · cross-checked");
    expect(lines.evidence).toEqual(["two checkpoints of size 3 disagree"]);
  });
  it("says one entry in the singular", () => {
    expect(statusLines({ ...coop, latest_checkpoint: { size: 1, root: "r".repeat(64), signatures: 1, cosigned_by: [] } }).log)
      .toBe("Log: 1 signed entry · not cross-checked yet");
  });
  it("copes with a log that has no checkpoint yet", () => {
    expect(statusLines({ ...coop, latest_checkpoint: null }).log).toBe("Log: nothing signed yet · not cross-checked yet");
  });
  it("counts the computers this one tried, and says when the log's keeper is out of reach", () => {
    const me = "b".repeat(64);
    const withPeers = {
      ...coop,
      members: [
        { id: steward, role: "steward" as const, endpoint: "e".repeat(64), reachable: false },
        { id: me, role: "member" as const, endpoint: "f".repeat(64), reachable: null },
        { id: "c".repeat(64), role: "member" as const, endpoint: "d".repeat(64), reachable: null },
      ],
    };
    const lines = statusLines(withPeers, me);
    expect(lines.peers).toBe("0 of 1 computers reachable");
    expect(lines.offline).toBe(true);
    // The keeper itself is never offline from its own point of view.
    expect(statusLines(withPeers, steward).offline).toBe(false);
    const back = { ...withPeers, members: withPeers.members.map((m) => ({ ...m, reachable: m.id === steward ? true : m.reachable })) };
    expect(statusLines(back, me)).toMatchObject({ peers: "1 of 1 computers reachable", offline: false });
  });
});
