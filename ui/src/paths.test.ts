import { describe, expect, it } from "vitest";
import { appendPaths, parsePaths, suggestDatasetName } from "./paths";

describe("paths", () => {
  it("splits lines, trims, unquotes, decodes file URLs and drops repeats", () => {
    expect(parsePaths(" /a/b \n\n'/c d'\n\"/e\"\nfile:///f%20g\n/a/b\r\n")).toEqual([
      "/a/b", "/c d", "/e", "/f g",
    ]);
  });
  it("appends without repeating", () => {
    expect(appendPaths("/a\n/b", ["/b", "/c"])).toBe("/a\n/b\n/c");
    expect(appendPaths("", ["/x"])).toBe("/x");
  });
  it("suggests a valid dataset name from a folder", () => {
    expect(suggestDatasetName("/home/ada/My Runs 2026/")).toBe("My-Runs-2026");
    expect(suggestDatasetName("/home/ada/.hidden")).toBe("hidden");
  });
});
