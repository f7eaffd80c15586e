import { describe, expect, it } from "vitest";
import { phraseProblem, phraseWords } from "./recoveryPhrase";

const words = Array.from({ length: 24 }, (_, i) => `w${i}`);

describe("phraseProblem", () => {
  it("accepts 24 words, numbered as the kit screen shows them or not", () => {
    expect(phraseProblem(words.join(" "))).toBeNull();
    expect(phraseProblem(words.map((w, i) => `${i + 1}. ${w}`).join("\n"))).toBeNull();
    expect(phraseWords("1. sing 2) will 3 dog")).toEqual(["sing", "will", "dog"]);
  });
  it("says how many words there are", () => {
    expect(phraseProblem("sing will dog")).toBe("The phrase has 3 words; datacoop phrases have 24.");
    expect(phraseProblem("  ")).toBe("Type the 24 words of your recovery phrase.");
  });
});
