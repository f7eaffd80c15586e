import { describe, expect, it } from "vitest";
import { en } from "./i18n/en";
import { relayProblem } from "./relay";

describe("relayProblem", () => {
  it("accepts no relay and web addresses", () => {
    expect(relayProblem("")).toBeNull();
    expect(relayProblem("   ")).toBeNull();
    expect(relayProblem("https://relay.coop.example")).toBeNull();
    expect(relayProblem(" http://127.0.0.1:3340 ")).toBeNull();
  });

  it("names what is wrong", () => {
    expect(relayProblem("relay.coop.example")).toBe(en.settings.network.relayScheme);
    expect(relayProblem("ftp://relay.coop.example")).toBe(en.settings.network.relayScheme);
    expect(relayProblem("https://")).toBe(en.settings.network.relayNotUrl);
  });
});
