// A passphrase strength hint. Not a gate: the keystore accepts any passphrase; this helps
// people choose one that survives guessing. Estimates entropy from length and variety and
// penalises repetition and very common choices.

export type Strength = "empty" | "weak" | "fair" | "good" | "strong";

const COMMON = new Set([
  "password", "passphrase", "123456", "12345678", "qwerty", "letmein", "iloveyou",
  "datacoop", "admin", "welcome", "monkey", "dragon", "sunshine", "football",
]);

/** Roughly how many bits of guessing the passphrase would take. */
export function estimateBits(passphrase: string): number {
  const p = passphrase;
  if (!p) return 0;
  if (COMMON.has(p.toLowerCase().replace(/[^a-z0-9]/g, ""))) return 4;
  let pool = 0;
  if (/[a-z]/.test(p)) pool += 26;
  if (/[A-Z]/.test(p)) pool += 26;
  if (/[0-9]/.test(p)) pool += 10;
  if (/[^a-zA-Z0-9]/.test(p)) pool += 33;
  // Repeated characters add little: count distinct runs, not length.
  const effective = p.replace(/(.)\1+/g, "$1").length;
  const distinct = new Set(p).size;
  const length = Math.min(effective, distinct * 3);
  return Math.round(length * Math.log2(Math.max(pool, 2)));
}

export function strength(passphrase: string): Strength {
  if (!passphrase) return "empty";
  const bits = estimateBits(passphrase);
  if (bits < 40) return "weak";
  if (bits < 60) return "fair";
  if (bits < 80) return "good";
  return "strong";
}

/**
 * What is wrong with a new passphrase, if anything: fewer than 8 characters (the node
 * enforces that too), or rated weak (the window's rule, since a weak passphrase is the
 * one way the keys can be guessed).
 */
export function passphraseProblem(passphrase: string): "too_short" | "weak" | null {
  if (passphrase.length < 8) return "too_short";
  if (strength(passphrase) === "weak") return "weak";
  return null;
}
