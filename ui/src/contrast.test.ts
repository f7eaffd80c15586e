// WCAG AA contrast for the colours the style sheet pairs, in both themes: 4.5:1 for text,
// 3:1 for the focus ring. Reads the theme variables straight from style.css.

import { describe, expect, it } from "vitest";
import css from "./style.css?raw";

function variables(block: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const m of block.matchAll(/--([a-z0-9-]+):\s*(#[0-9a-fA-F]{6})/g)) vars[m[1]] = m[2];
  return vars;
}

function blockAfter(selector: string): string {
  const start = css.indexOf(selector);
  expect(start, selector).toBeGreaterThanOrEqual(0);
  const open = css.indexOf("{", start);
  return css.slice(open + 1, css.indexOf("}", open));
}

function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const light = variables(blockAfter(":root {"));
const dark = variables(blockAfter(':root[data-theme="dark"]'));
const darkBySystem = variables(blockAfter(':root:not([data-theme="light"])'));

/** [foreground, background, minimum ratio]: every pairing the style sheet uses. */
const PAIRS: [string, string, number][] = [
  ...["bg", "surface", "surface-2", "accent-soft"].map((bg): [string, string, number] => ["text", bg, 4.5]),
  ...["bg", "surface", "surface-2"].map((bg): [string, string, number] => ["muted", bg, 4.5]),
  ...["bg", "surface", "surface-2"].map((bg): [string, string, number] => ["danger", bg, 4.5]),
  ...["bg", "surface"].map((bg): [string, string, number] => ["success", bg, 4.5]),
  ...["bg", "surface"].map((bg): [string, string, number] => ["accent", bg, 4.5]),
  ["accent-text", "accent", 4.5],
  ["bg", "danger", 4.5],
  ["focus", "bg", 3],
  ["focus", "surface", 3],
];

describe("theme contrast (WCAG AA)", () => {
  for (const [name, theme] of [["light", light], ["dark", dark]] as const) {
    for (const [fg, bg, min] of PAIRS) {
      it(`${name}: ${fg} on ${bg} is at least ${min}:1`, () => {
        expect(theme[fg], `--${fg}`).toBeDefined();
        expect(theme[bg], `--${bg}`).toBeDefined();
        expect(contrast(theme[fg], theme[bg])).toBeGreaterThanOrEqual(min);
      });
    }
  }
  it("the dark theme is the same whether forced or followed from the system", () => {
    expect(darkBySystem).toEqual(dark);
  });
  it("computes known ratios", () => {
    expect(contrast("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrast("#777777", "#ffffff")).toBeCloseTo(4.48, 2);
  });
});
