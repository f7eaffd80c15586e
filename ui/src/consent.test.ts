import { describe, expect, it } from "vitest";
import type { ConsentView } from "./api/bindings";
import { PURPOSES } from "./api/bindings";
import { consentSentence, consentStatus, inForce, orList, sameTerms, termsOf, type PurposeName } from "./consent";
import { en } from "./i18n/en";

const consent = (dataset: string, withdrawn: boolean, id: string): ConsentView => ({
  record_id: id, dataset, category: "fitness", purposes: ["NonCommercialResearch"], mode: "auto", max_days: 30, withdrawn,
  record: {},
});

describe("consentSentence", () => {
  it("says who is included automatically, for what and for how long", () => {
    expect(consentSentence("fitness", ["NonCommercialResearch"], 30, false)).toBe(
      "A request for fitness data for research that is not commercial, for up to 30 days, includes you automatically.",
    );
  });
  it("says when you will be asked, and lists purposes", () => {
    expect(consentSentence("sleep", ["NonCommercialResearch", "ModelTraining"], null, true)).toBe(
      "A request for sleep data for research that is not commercial or training AI models, for any period, asks you first.",
    );
  });
  it("says when nothing is allowed", () => {
    expect(consentSentence("sleep", [], 30, false)).toBe(
      "No purpose is ticked: requests for this sleep data will not include you.",
    );
  });
});

describe("inForce", () => {
  it("keeps the newest consent per dataset that is not withdrawn", () => {
    const map = inForce([consent("a", true, "1"), consent("a", false, "2"), consent("b", true, "3")]);
    expect(map.get("a")?.record_id).toBe("2");
    expect(map.has("b")).toBe(false);
  });
});

describe("orList", () => {
  it("joins with commas and a final or", () => {
    expect(orList(["a"])).toBe("a");
    expect(orList(["a", "b", "c"])).toBe("a, b or c");
  });
});

describe("the purpose catalogue", () => {
  it("has words for every purpose the node knows", () => {
    for (const p of PURPOSES) expect(en.purposes[p.name].plain.length).toBeGreaterThan(3);
    // Each says how it differs from the others, and no two say the same.
    const lines = PURPOSES.map((p) => en.purposes[p.name].differs);
    for (const line of lines) expect(line.length).toBeGreaterThan(20);
    expect(new Set(lines).size).toBe(lines.length);
  });
});

describe("consentStatus", () => {
  it("says what is active in plain words", () => {
    expect(consentStatus({ purposes: ["NonCommercialResearch"], maxDays: 90, ask: true })).toBe(
      "Active: research that is not commercial, up to 90 days, asks you first.",
    );
    expect(consentStatus({ purposes: ["ModelTraining"], maxDays: null, ask: false })).toBe(
      "Active: training AI models, no time limit of your own, includes you automatically.",
    );
    expect(consentStatus(null)).toBe("No consent: requests never include this dataset.");
  });
  it("compares terms whatever the order of purposes", () => {
    const a = { purposes: ["ModelTraining", "NonCommercialResearch"] as PurposeName[], maxDays: 30, ask: true };
    expect(sameTerms(a, { ...a, purposes: ["NonCommercialResearch", "ModelTraining"] })).toBe(true);
    expect(sameTerms(a, { ...a, ask: false })).toBe(false);
    expect(sameTerms(a, { ...a, maxDays: null })).toBe(false);
    expect(termsOf(consent("runs", false, "x"))).toEqual({ purposes: ["NonCommercialResearch"], maxDays: 30, ask: false });
  });
});
