import { importInvoiceLines } from '@nrr/core';
import { describe, expect, it } from 'vitest';
import { parseColumnMapping } from '../src/cli/mapping.ts';

describe('column mappings (--map and importData’s mapping)', () => {
  it('maps columns named like Object.prototype members to attributes as any other column', async () => {
    const mapping = parseColumnMapping([
      'c=customer',
      'f=from',
      't=to',
      'a=amount',
      '__proto__=attribute:plan',
      'constructor=attribute:region',
    ]);
    expect(Object.getPrototypeOf(mapping.attributes)).toBe(Object.prototype);
    expect(Object.entries(mapping.attributes ?? {})).toEqual([
      ['__proto__', 'plan'],
      ['constructor', 'region'],
    ]);
    const { rows, errors } = await importInvoiceLines(
      'c,f,t,a,__proto__,constructor\nx,2024-01-01,2024-02-01,10,Pro,EU\n',
      mapping,
    );
    expect(errors).toEqual([]);
    expect(rows[0]?.attributes).toEqual({ plan: 'Pro', region: 'EU' });
  });
});
