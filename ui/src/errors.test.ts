import { describe, expect, it } from "vitest";
import type { Code } from "./api/bindings";
import { errorMessage } from "./errors";
import { en } from "./i18n/en";
import { parseTheme } from "./theme";

describe("errorMessage", () => {
  it("uses the catalogue, with the node's details for low-level failures", () => {
    expect(errorMessage({ code: "auth.wrong_passphrase", message: "x" })).toMatch(/passphrase does not open/);
    expect(errorMessage({ code: "io.disk_full", message: "disk full at /x" })).toBe(
      "The disk is full. Free some space and try again; nothing was lost. (disk full at /x)",
    );
    expect(errorMessage(new Error("boom"))).toBe("Something went wrong: boom");
  });
  it("has a message for every code", () => {
    for (const [code, text] of Object.entries(en.errors)) {
      expect(text.length, code).toBeGreaterThan(5);
    }
    // A code from a newer datacoop still gets a sentence.
    expect(errorMessage({ code: "from.the_future" as Code, message: "m" })).toBe("Something went wrong. (m)");
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
