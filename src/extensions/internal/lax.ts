/**
 * What pydantic's lax mode (the default of Bolna's server models) reads a value as, where the schema wants a
 * number, an integer or a boolean and the caller sent something else: `"8000"` is the integer 8000, `"true"` and
 * `"off"` are booleans, `1` is `true`. The client checks the value it stands for and sends the caller's value as
 * given. The same rules read the text fields of a `multipart/form-data` body, where every value is text.
 *
 * The rules are pydantic-core's: a boolean from `"0"`/`"1"` and, in any letter case, `t`/`f`, `y`/`n`, `yes`/`no`,
 * `on`/`off`, `true`/`false`, or from the numbers 0 and 1; an integer from a string of digits (an optional sign,
 * `_` between digits, a fraction of only zeros, surrounding whitespace); a number from a decimal string.
 */

const TRUE_WORDS = new Set(["t", "y", "on", "yes", "true"]);
const FALSE_WORDS = new Set(["f", "n", "no", "off", "false"]);
const INTEGER = /^[+-]?\d+(?:_\d+)*(?:\.0*)?$/;
const DECIMAL = /^[+-]?(?:\d+(?:_\d+)*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function laxBoolean(value: unknown): boolean | undefined {
  if (value === 0 || value === 1) return value === 1;
  if (typeof value !== "string") return undefined;
  if (value === "1") return true;
  if (value === "0") return false;
  const word = value.toLowerCase();
  return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : undefined;
}

function laxNumber(value: unknown, integer: boolean): number | undefined {
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (!(integer ? INTEGER : DECIMAL).test(text)) return undefined;
  const number = Number(text.replaceAll("_", ""));
  return Number.isFinite(number) ? number : undefined;
}

/**
 * The number or boolean `value` stands for under one of `types` (JSON Schema type names), or `undefined` when the
 * server would refuse it too.
 */
export function laxValue(value: unknown, types: readonly string[]): number | boolean | undefined {
  for (const type of types) {
    const read =
      type === "boolean"
        ? laxBoolean(value)
        : type === "integer" || type === "number"
          ? laxNumber(value, type === "integer")
          : undefined;
    if (read !== undefined) return read;
  }
  return undefined;
}
