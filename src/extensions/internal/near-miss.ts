/**
 * The one rule for "this is probably a typo of a name or value the spec knows": a case-insensitive edit distance of
 * at most a third of the shorter word (at least 1). Both the strict-body check (`hangup_after_silense` →
 * `hangup_after_silence`) and the open filter values (`status: "complete"` → `completed`) use it, so a value is a
 * near miss in one place exactly when it is in the other. A value that is close to nothing known is not a typo
 * but something the spec does not know yet, and the callers let it through.
 */

/** Levenshtein distance (insert, delete, substitute). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * The known word `value` most likely misspells (the closest; the first of equals), or `undefined` when it is one of
 * them or close to none. A word that differs only in case is a near miss: the API's names are case-sensitive.
 */
export function nearMiss(value: string, known: readonly string[]): string | undefined {
  if (known.includes(value)) return undefined;
  const lower = value.toLowerCase();
  let best: { candidate: string; d: number } | undefined;
  for (const candidate of known) {
    const d = distance(lower, candidate.toLowerCase());
    const allowed = Math.max(1, Math.floor(Math.min(value.length, candidate.length) / 3));
    if (d <= allowed && (best === undefined || d < best.d)) best = { candidate, d };
  }
  return best?.candidate;
}
