import { describe, expect, it, vi } from "vitest";
import { statusLines } from "./views/status";

vi.mock("./api/commands", () => ({ api: {} }));

const coop = {
  id: "c".repeat(64),
  name: "Runners",
  role: "steward" as const,
  members: 1,
  people: [{ id: "a".repeat(64), role: "steward" as const }],
  threshold: 1,
  log_size: 3,
  checkpoint_size: 3,
  unwitnessed: true,
  evidence: [],
};

describe("statusLines", () => {
  it("says when there is no cooperative", () => {
    expect(statusLines(null)).toEqual({ coop: "No cooperative yet", log: null, evidence: [] });
  });
  it("names the cooperative, the role and an unwitnessed checkpoint", () => {
    const lines = statusLines(coop);
    expect(lines.coop).toBe("Runners · steward");
    expect(lines.log).toBe("Log checkpoint 3 · unwitnessed");
  });
  it("passes evidence through and says when checkpoints are witnessed", () => {
    const lines = statusLines({ ...coop, unwitnessed: false, evidence: ["two checkpoints of size 3 disagree"] });
    expect(lines.log).toBe("Log checkpoint 3 · witnessed");
    expect(lines.evidence).toEqual(["two checkpoints of size 3 disagree"]);
  });
  it("copes with a log that has no checkpoint yet", () => {
    expect(statusLines({ ...coop, checkpoint_size: null }).log).toBe("No checkpoint yet · unwitnessed");
  });
});
