import { describe, expect, it } from "vitest";
import type { Placement } from "./api/bindings";
import { keptText } from "./kept";

const base: Placement = { dataset: "runs", epochs: 1, announced: 1, pinned_by: [], epoch_roots: ["aa"], key_backups: ["bb"] };

describe("keptText", () => {
  it("says the data is only here until a steward pins it", () => {
    expect(keptText(undefined)).toBe("On this computer only");
    expect(keptText(base)).toBe("On this computer only");
    expect(keptText({ ...base, announced: 0 })).toBe("On this computer; telling the cooperative");
  });
  it("names the stewards pinning it by their short ids", () => {
    expect(keptText({ ...base, pinned_by: ["0123456789abcdef0123"] })).toBe(
      "On this computer, and pinned by steward 0123456789ab",
    );
    expect(keptText({ ...base, pinned_by: ["aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"] })).toBe(
      "On this computer, and pinned by stewards aaaaaaaaaaaa, bbbbbbbbbbbb",
    );
  });
});
