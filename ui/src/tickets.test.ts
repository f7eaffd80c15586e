import { describe, expect, it } from "vitest";
import { ticketProblem } from "./tickets";

describe("ticketProblem", () => {
  it("asks for a ticket, refuses other text, and accepts a pasted one with its line breaks", () => {
    expect(ticketProblem("  ")).toBe("Paste the invitation first.");
    expect(ticketProblem("hello")).toMatch(/starts with dcinvite/);
    expect(ticketProblem("\n DCINVITEabc\n")).toBeNull();
  });
});
