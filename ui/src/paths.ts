// Paths typed, pasted, picked or dropped into the add form.

/** One path per line; blank lines dropped, surrounding spaces and quotes trimmed, no repeats. */
export function parsePaths(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let p = raw.trim();
    if (p.length >= 2 && ((p.startsWith("'") && p.endsWith("'")) || (p.startsWith('"') && p.endsWith('"')))) {
      p = p.slice(1, -1);
    }
    if (p.startsWith("file://")) p = decodeURIComponent(p.slice("file://".length));
    if (!p || seen.has(p)) continue;
    seen.add(p);
    out.push(p);
  }
  return out;
}

/** Adds paths to the text field's content, keeping what is there. */
export function appendPaths(text: string, more: string[]): string {
  return parsePaths([text, ...more].join("\n")).join("\n");
}

/** A dataset name suggested from a folder path: its last part, made valid. */
export function suggestDatasetName(path: string): string {
  const last = path.replace(/[\\/]+$/, "").split(/[\\/]/).pop() ?? "";
  return last
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[.-]+/, "")
    .slice(0, 64);
}
