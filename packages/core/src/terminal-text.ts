/**
 * Text from imported data printed to a terminal: control characters are shown escaped, never
 * sent raw, so a customer id or attribute value cannot move the cursor, recolour or retitle the
 * terminal, hide the rest of a line, or reorder it with bidirectional overrides.
 */

/**
 * Whether a code point is one {@link escapeControlCharacters} escapes: C0 controls (U+0000–U+001F,
 * tab and newline included), DEL, C1 controls (U+0080–U+009F, which some terminals obey like ESC
 * sequences), the bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E, U+200F,
 * U+202A–U+202E, U+2066–U+2069) and the line and paragraph separators (U+2028, U+2029).
 */
export function isControlCharacter(codePoint: number): boolean {
  return (
    codePoint <= 0x1f ||
    (codePoint >= 0x7f && codePoint <= 0x9f) ||
    codePoint === 0x061c ||
    codePoint === 0x200e ||
    codePoint === 0x200f ||
    (codePoint >= 0x2028 && codePoint <= 0x202e) ||
    (codePoint >= 0x2066 && codePoint <= 0x2069)
  );
}

/**
 * `text` with every control character ({@link isControlCharacter}) written as an escape: `\x1b`
 * for ESC, `\x9b` for CSI, `\n` as `\x0a`, `\u202e` for RIGHT-TO-LEFT OVERRIDE (lowercase hex, two
 * digits below U+0100, else four). Everything else, backslashes included, is kept as is, so
 * ordinary text (accents, CJK, emoji) prints unchanged and one line stays one line.
 */
export function escapeControlCharacters(text: string): string {
  let escaped = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isControlCharacter(code)) continue;
    escaped += text.slice(start, i) + (code < 0x100 ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`);
    start = i + 1;
  }
  return start === 0 ? text : escaped + text.slice(start);
}

function hex(code: number, digits: number): string {
  return code.toString(16).padStart(digits, '0');
}
