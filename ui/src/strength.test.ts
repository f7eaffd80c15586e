import { describe, expect, it } from "vitest";
import { checkCreateForm, estimateBits, strength } from "./strength";

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

describe("checkCreateForm", () => {
  it("requires a name, 8 characters and a matching confirmation", () => {
    expect(checkCreateForm(" ", "longenough", "longenough").problem).toBe("name_missing");
    expect(checkCreateForm("Ada", "short", "short").problem).toBe("too_short");
    expect(checkCreateForm("Ada", "password", "password").problem).toBe("weak");
    expect(checkCreateForm("Ada", "aaaaaaaaaaaa", "aaaaaaaaaaaa").problem).toBe("weak");
    expect(checkCreateForm("Ada", "longenough", "longenougH").problem).toBe("mismatch");
    expect(checkCreateForm("Ada", "longenough", "longenough")).toEqual({ ok: true, problem: "none" });
  });
});
