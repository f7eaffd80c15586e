import { describe, expect, it } from "vitest";
import { errorMessage } from "./errors";
import { parseTheme } from "./theme";

describe("errorMessage", () => {
  it("uses the catalogue for known codes and the node's words otherwise", () => {
    expect(errorMessage({ code: "auth.wrong_passphrase", message: "x" })).toMatch(/passphrase does not open/);
    expect(errorMessage({ code: "io.disk_full", message: "disk full at /x" })).toBe(
      "Something went wrong: disk full at /x",
    );
    expect(errorMessage(new Error("boom"))).toBe("Something went wrong: boom");
  });
});

describe("parseTheme", () => {
  it("falls back to following the system", () => {
    expect(parseTheme("dark")).toBe("dark");
    expect(parseTheme("light")).toBe("light");
    expect(parseTheme(null)).toBe("system");
    expect(parseTheme("purple")).toBe("system");
  });
});
