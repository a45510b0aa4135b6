/** Small text helpers for help screens: wrapped, indented paragraphs and aligned two-column lists. */

const WIDTH = 100;

/** Strips the spec's Markdown emphasis and links, which a terminal would show literally. */
export function plain(markdown: string): string {
  return markdown.replace(/\*\*([^*]+)\*\*/g, "$1").replace(/\[([^\]]+)\]\([^)]+\)/g, "$1");
}

/** Word-wraps `text` to the help width, every line indented by `indent` spaces. */
export function wrap(text: string, indent: number): string {
  const pad = " ".repeat(indent);
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== "" && pad.length + line.length + 1 + word.length > WIDTH) {
      lines.push(pad + line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  if (line !== "") lines.push(pad + line);
  return lines.join("\n");
}

/** `  left   right…` rows with the right column aligned and wrapped under itself. */
export function columns(rows: ReadonlyArray<readonly [string, string]>, indent = 2, minLeftWidth = 0): string {
  const leftWidth = Math.min(34, Math.max(minLeftWidth, ...rows.map(([left]) => left.length)));
  const pad = " ".repeat(indent);
  return rows
    .map(([left, right]) => {
      const rightIndent = indent + leftWidth + 2;
      const wrapped = wrap(right, rightIndent).trimStart();
      if (left.length > leftWidth) return `${pad}${left}\n${" ".repeat(rightIndent)}${wrapped}`;
      return `${pad}${left.padEnd(leftWidth)}  ${wrapped}`;
    })
    .join("\n");
}

/**
 * The first sentence of a description: enough for an option list (the full text is in the API reference). A
 * sentence ends at `.`, `!` or `?` before a capital, a parenthesis or Markdown emphasis, so `e.g. \`…\`` does not
 * end one.
 */
export function firstSentence(text: string): string {
  const match = /^.*?[.!?](?=\s+[A-Z*(]|\s*$)/s.exec(text);
  return (match?.[0] ?? text).trim();
}
