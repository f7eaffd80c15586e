// Which rows of a long list to draw: only those in view, plus a few either side, so the
// page holds a few dozen rows however many files a dataset has.

export interface RowWindow {
  /** First row to draw. */
  start: number;
  /** One past the last row to draw. */
  end: number;
}

/** The rows visible in a viewport of `viewport` pixels scrolled to `scrollTop`. */
export function visibleRows(
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  total: number,
  overscan = 8,
): RowWindow {
  if (total <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const count = Math.ceil(Math.max(0, viewport) / rowHeight) + 1;
  const start = Math.max(0, Math.min(first, total - 1) - overscan);
  const end = Math.min(total, first + count + overscan);
  return { start, end: Math.max(end, start + 1) };
}

/** The scroll offset that brings row `index` fully into view, or `scrollTop` if it is. */
export function scrollToShow(
  index: number,
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  header = 0,
): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  const visible = viewport - header;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + visible) return bottom - visible;
  return scrollTop;
}

/** Where keyboard navigation moves the active row. */
export function moveActive(
  key: string,
  active: number,
  total: number,
  pageRows: number,
): number | null {
  if (total === 0) return null;
  const last = total - 1;
  const from = Math.min(Math.max(active, 0), last);
  switch (key) {
    case "ArrowDown":
      return active < 0 ? 0 : Math.min(from + 1, last);
    case "ArrowUp":
      return Math.max(from - 1, 0);
    case "PageDown":
      return Math.min(from + Math.max(1, pageRows), last);
    case "PageUp":
      return Math.max(from - Math.max(1, pageRows), 0);
    case "Home":
      return 0;
    case "End":
      return last;
    default:
      return null;
  }
}
