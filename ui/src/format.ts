// Numbers, sizes, rates, durations and file types for people, through Intl.

import { en } from "./i18n/en";

const UNITS = ["B", "kB", "MB", "GB", "TB"] as const;

/** Bytes in decimal units ("1.5 MB"), as file managers on Linux show them. */
export function formatBytes(bytes: number, locale = "en"): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "–";
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  const n = new Intl.NumberFormat(locale, {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  }).format(value);
  return `${n} ${UNITS[unit]}`;
}

/** A transfer rate ("8.1 MB/s"). */
export function formatRate(bytesPerSecond: number, locale = "en"): string {
  return `${formatBytes(bytesPerSecond, locale)}/s`;
}

/** A remaining duration, rounded for reading at a glance ("4 s", "2 min 5 s", "1 h 3 min"). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "–";
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) {
    const rest = s % 60;
    return rest ? `${m} min ${rest} s` : `${m} min`;
  }
  const h = Math.floor(m / 60);
  const restM = m % 60;
  return restM ? `${h} h ${restM} min` : `${h} h`;
}

/** A count ("1,234"). */
export function formatCount(n: number, locale = "en"): string {
  return new Intl.NumberFormat(locale).format(n);
}

/** A date and time from Unix seconds ("Nov 27, 2026, 6:55 PM"). */
export function formatDateTime(unixSeconds: number, locale = "en"): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(
    new Date(unixSeconds * 1000),
  );
}

/** A date from Unix seconds ("27 Nov 2026"). */
export function formatDate(unixSeconds: number, locale = "en"): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(
    new Date(unixSeconds * 1000),
  );
}

/** A file's type in words ("Spreadsheet (CSV)", "Image"), from its media type, falling
 * back to its extension ("FIT file") when the type says nothing. */
export function plainType(mediaType: string, name: string): string {
  const t = en.fileTypes;
  const known = t.exact[mediaType.toLowerCase()];
  if (known) return known;
  const family = mediaType.split("/")[0]?.toLowerCase() ?? "";
  if (family in t.families && mediaType !== "application/octet-stream") {
    return t.families[family as keyof typeof t.families];
  }
  const dot = name.lastIndexOf(".");
  const ext = dot > 0 && dot < name.length - 1 ? name.slice(dot + 1) : "";
  return ext && ext.length <= 8 ? t.extension(ext.toUpperCase()) : t.unknown;
}
