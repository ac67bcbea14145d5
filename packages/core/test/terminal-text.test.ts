import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeControlCharacters, formatMoney, isControlCharacter } from '../src/index.ts';

describe('escapeControlCharacters', () => {
  it.each([
    ['ESC (a colour sequence)', '\u001b[31mred\u001b[0m', '\\x1b[31mred\\x1b[0m'],
    ['OSC retitling the terminal', '\u001b]0;pwned\u0007', '\\x1b]0;pwned\\x07'],
    ['C1 CSI clearing the screen', 'acme\u009b2J', 'acme\\x9b2J'],
    [
      'NUL, backspace, CR, LF, TAB, DEL',
      'a\u0000b\bc\rd\ne\tf\u007f',
      'a\\x00b\\x08c\\x0dd\\x0ae\\x09f\\x7f',
    ],
    ['RIGHT-TO-LEFT OVERRIDE', 'invoice\u202Efdp.exe', 'invoice\\u202efdp.exe'],
    ['isolates and marks', '\u2066x\u2069\u200e\u200f\u061c', '\\u2066x\\u2069\\u200e\\u200f\\u061c'],
    ['line and paragraph separators', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
  ])('shows %s escaped', (_name, raw, shown) => {
    expect(escapeControlCharacters(raw)).toBe(shown);
  });

  it.each([
    ['plain ASCII', 'Acme Corp (US) #42'],
    ['accents, CJK and emoji', 'Zürich 東京 🚀 Ærøskøbing'],
    ['backslashes already in the text', 'C:\\Users\\x1b'],
    [
      'money as ICU formats it (narrow no-break spaces stay)',
      formatMoney('1234.5', 'EUR', { locale: 'fr-FR' }),
    ],
  ])('keeps %s unchanged', (_name, text) => {
    expect(escapeControlCharacters(text)).toBe(text);
  });

  it('never leaves a control character, and keeps every other character in order', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const shown = escapeControlCharacters(text);
        for (const char of shown) expect(isControlCharacter(char.codePointAt(0) as number)).toBe(false);
        const kept = [...text].filter((char) => !isControlCharacter(char.codePointAt(0) as number)).join('');
        expect(shown.replace(/\\x[0-9a-f]{2}|\\u[0-9a-f]{4}/g, '')).toBe(
          kept.replace(/\\x[0-9a-f]{2}|\\u[0-9a-f]{4}/g, ''),
        );
      }),
      { numRuns: 300 },
    );
  });
});
