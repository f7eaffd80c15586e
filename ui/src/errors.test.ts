import { describe, expect, it } from "vitest";
import type { Code } from "./api/bindings";
import { errorMessage } from "./errors";
import { en } from "./i18n/en";
import { parseTheme } from "./theme";

describe("errorMessage", () => {
  it("uses the catalogue, with the node's details for low-level failures", () => {
    expect(errorMessage({ code: "auth.wrong_passphrase", message: "x", io: null })).toMatch(/passphrase does not open/);
    expect(errorMessage({ code: "io.disk_full", message: "disk full at /x", io: null })).toBe(
      "The disk is full. Free some space and try again; nothing was lost. (disk full at /x)",
    );
    expect(errorMessage(new Error("boom"))).toBe("Something went wrong: boom");
  });
  it("says a file problem as a sentence naming the path, without system words", () => {
    const text = errorMessage({
      code: "io.failed",
      message: "cannot create /x/kit.txt: there is no such file or folder",
      io: { kind: "not_found", subject: "/x" },
    });
    expect(text).toBe("/x does not exist (or its disk is not connected). Choose a file or folder that is there.");
    expect(errorMessage({ code: "io.failed", message: "m", io: { kind: "permission_denied", subject: "/srv" } }))
      .toMatch(/^datacoop is not allowed to use \/srv\./);
    for (const [kind, say] of Object.entries(en.ioProblem)) {
      expect(say("/p"), kind).not.toMatch(/os error|errno|\.tmp/);
    }
  });
  it("has a message for every code", () => {
    for (const [code, text] of Object.entries(en.errors)) {
      expect(text.length, code).toBeGreaterThan(5);
    }
    // A code from a newer datacoop still gets a sentence.
    expect(errorMessage({ code: "from.the_future" as Code, message: "m", io: null })).toBe("Something went wrong. (m)");
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
