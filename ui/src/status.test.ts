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
  size: 3,
  latest_checkpoint: { size: 3, root: "r".repeat(64), signatures: 2, cosigned_by: [steward] },
  evidence: [],
};

describe("statusLines", () => {
  it("says when there is no cooperative", () => {
    expect(statusLines(null)).toEqual({ coop: "No cooperative yet", log: null, evidence: [] });
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
});
