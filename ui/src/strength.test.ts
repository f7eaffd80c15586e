import { describe, expect, it } from "vitest";
import { estimateBits, passphraseProblem, strength } from "./strength";

describe("strength", () => {
  it("grades from weak to strong", () => {
    expect(strength("")).toBe("empty");
    expect(strength("abc")).toBe("weak");
    expect(strength("password")).toBe("weak");
    expect(strength("Password!")).toBe("weak");
    expect(strength("river-lamp")).toBe("fair");
    expect(strength("river-lamp-77")).toBe("good");
    expect(strength("correct horse battery staple")).toBe("strong");
  });
  it("does not reward repetition", () => {
    expect(strength("aaaaaaaaaaaaaaaaaaaaaaaa")).toBe("weak");
    expect(estimateBits("abababababababababab")).toBeLessThan(estimateBits("a7#kQ9!zLm2$"));
  });
});

describe("passphraseProblem", () => {
  it("refuses short and weak passphrases", () => {
    expect(passphraseProblem("short")).toBe("too_short");
    expect(passphraseProblem("password")).toBe("weak");
    expect(passphraseProblem("aaaaaaaaaaaa")).toBe("weak");
    expect(passphraseProblem("correct horse battery staple")).toBeNull();
  });
});
