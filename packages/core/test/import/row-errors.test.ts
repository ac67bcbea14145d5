/**
 * Row errors hold well-formed Unicode: a long value is cut by code point (an emoji at the cut is
 * kept whole or left out, never halved into a lone surrogate), and a lone surrogate from the input
 * is shown as U+FFFD. Postgres jsonb refuses lone surrogates, so an import whose bad value held one
 * failed as INTERNAL while recording its errors.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_SHOWN_VALUE, shorten, wellFormed } from '../../src/errors.ts';
import { ImportError, importSubscriptionPeriods, type RowError, rowError } from '../../src/index.ts';

const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const EMOJI = '😀'; // U+1F600: two UTF-16 units

/** Whether every text of a row error is well-formed (JSON and UTF-8 round trips keep it). */
function wellFormedError(error: RowError): boolean {
  return [error.field, error.value, error.expected, error.message].every((text) => !LONE.test(text));
}

describe('row error values', () => {
  it.each([
    [
      'an emoji straddling the cut (units 196-197)',
      `${'a'.repeat(196)}${EMOJI}${'b'.repeat(10)}`,
      `${'a'.repeat(196)}${EMOJI}...`,
    ],
    ['an emoji just past the cut', `${'a'.repeat(197)}${EMOJI}${'b'.repeat(10)}`, `${'a'.repeat(197)}...`],
    ['200 emoji (400 units, 200 code points): not cut', EMOJI.repeat(200), EMOJI.repeat(200)],
    ['201 emoji: cut after 197', EMOJI.repeat(201), `${EMOJI.repeat(197)}...`],
    ['a lone high surrogate', `x\uD83Dy`, 'x\uFFFDy'],
    ['a lone low surrogate', `x\uDE00`, 'x\uFFFD'],
    ['a lone surrogate at the end of a long value', `${'a'.repeat(250)}\uD83D`, `${'a'.repeat(197)}...`],
    ['a lone surrogate before the cut', `\uDE00${'a'.repeat(250)}`, `\uFFFD${'a'.repeat(196)}...`],
  ])('%s', (_label, value, shown) => {
    const error = rowError('INVALID_AMOUNT', 2, 'amount', value, 'a number');
    expect(error.value).toBe(shown);
    expect(error.message).toBe(`line 2, field "amount": got ${JSON.stringify(shown)}, expected a number`);
    expect(wellFormedError(error)).toBe(true);
  });

  it('makes a field name with a lone surrogate well-formed too', () => {
    expect(rowError('MISSING_VALUE', 3, 'plan\uD800', '', 'a value').field).toBe('plan\uFFFD');
  });

  it('keeps any text well-formed and at most 200 code points (property)', () => {
    fc.assert(
      fc.property(
        // Any UTF-16 code units (lone surrogates included) and whole code points, long enough to be cut.
        fc.string({
          unit: fc.oneof(
            fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)),
            fc.constant(EMOJI),
          ),
          minLength: 150,
          maxLength: 400,
          size: 'max',
        }),
        (value) => {
          const error = rowError('INVALID_DATE', 1, 'x', value, 'a date');
          expect(wellFormedError(error)).toBe(true);
          expect([...error.value].length).toBeLessThanOrEqual(MAX_SHOWN_VALUE);
          if ([...value].length <= MAX_SHOWN_VALUE) expect(error.value).toBe(wellFormed(value));
          expect(shorten(value, MAX_SHOWN_VALUE).length).toBeLessThanOrEqual(value.length);
        },
      ),
    );
  });

  it('an importer reports a bad value with an emoji at the cut and a lone surrogate well-formed', async () => {
    const text =
      'subscription_id,customer_id,start_date,end_date,monthly_amount\n' +
      `s1,c1,2024-01-01,,${'9'.repeat(196)}${EMOJI}\n` +
      's2,c2,2024-01-01,,1\uD83D\n';
    const failure = await importSubscriptionPeriods(text).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ImportError);
    const errors = (failure as ImportError).errors;
    expect(errors.map((error) => [error.line, error.field, error.value])).toEqual([
      [2, 'monthly_amount', `${'9'.repeat(196)}${EMOJI}`],
      [3, 'monthly_amount', '1\uFFFD'],
    ]);
    expect(errors.every(wellFormedError)).toBe(true);
    expect(LONE.test((failure as Error).message)).toBe(false);
  });
});
