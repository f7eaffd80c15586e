// A relay address as a person types it in Settings → Network, checked as the node checks
// it (an http(s) web address; blank is no relay).

import { en } from "./i18n/en";

/** What is wrong with a relay address as typed, or null. */
export function relayProblem(text: string): string | null {
  const value = text.trim();
  if (!value) return null;
  if (!/^https?:\/\//.test(value)) return en.settings.network.relayScheme;
  try {
    return new URL(value).hostname ? null : en.settings.network.relayNotUrl;
  } catch {
    return en.settings.network.relayNotUrl;
  }
}
