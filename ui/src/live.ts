// What parts of a screen redraw when the cooperative's log grows, whoever grew it (this
// window, the command line through the app's socket, or a peer over the network): the
// event stream calls `logChanged`, and each part that registered redraws itself while
// it is still on screen.

const parts = new Set<{ el: Element; redraw: () => void }>();

/** Redraws `redraw` whenever the log grows, for as long as `el` is in the document. */
export function onLogChanged(el: Element, redraw: () => void): void {
  parts.add({ el, redraw });
}

/** Called for every `log_appended` event. */
export function logChanged(): void {
  for (const part of [...parts]) {
    // Parts are on screen as soon as they are made (events arrive later): one that is
    // not has gone with its screen.
    if (part.el.isConnected) part.redraw();
    else parts.delete(part);
  }
}
