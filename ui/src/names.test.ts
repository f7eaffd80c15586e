import { describe, expect, it } from "vitest";
import { categoryProblem, datasetNameProblem } from "./names";

describe("datasetNameProblem", () => {
  it("follows the app's rule for dataset names", () => {
    expect(datasetNameProblem("running-2026")).toBeNull();
    expect(datasetNameProblem("week 2")).toMatch(/letters, digits/);
    expect(datasetNameProblem(".hidden")).toMatch(/dot/);
    expect(datasetNameProblem("")).toMatch(/Enter a name/);
    expect(datasetNameProblem("x".repeat(65))).toMatch(/64/);
    expect(datasetNameProblem("runs", ["runs"])).toMatch(/already/);
  });
});

describe("categoryProblem", () => {
  it("follows the app's rule for categories", () => {
    expect(categoryProblem("health-records")).toBeNull();
    expect(categoryProblem("Health Records")).toMatch(/lowercase/);
    expect(categoryProblem("a--b")).toMatch(/lowercase/);
    expect(categoryProblem("-a")).toMatch(/lowercase/);
    expect(categoryProblem(" ")).toMatch(/Choose a category/);
  });
});
