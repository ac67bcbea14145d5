import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addMonths,
  formatMoneyUnits,
  INVOICE_LINE_KINDS,
  type InvoiceLineMapping,
  type InvoiceLineRow,
  importInvoiceLines,
  invoiceLinesToSpans,
  type MrrSpan,
  parseMoney,
} from '../../src/index.ts';
import { dataset, day, mrrAt, readLines } from './support.ts';

const DISPLAYR: InvoiceLineMapping = { customer: 'name', from: 'ValidFrom', to: 'ValidTo', amount: 'AUD' };
const MAPPING: InvoiceLineMapping = {
  customer: 'customer',
  from: 'from',
  to: 'to',
  amount: 'amount',
  kind: 'kind',
  currency: 'currency',
  attributes: { plan: 'plan' },
};

/** Normalises a small CSV with columns customer,from,to,amount,kind,currency,plan (and a mapping). */
async function normalise(lines: readonly string[], mapping: InvoiceLineMapping = MAPPING) {
  const header = 'customer,from,to,amount,kind,currency,plan,subscription';
  const { rows } = await importInvoiceLines([header, ...lines].join('\n'), mapping);
  return invoiceLinesToSpans(rows);
}

const money = (text: string) => parseMoney(text) ?? Number.NaN;
const total = (spans: readonly MrrSpan[], iso: string) => formatMoneyUnits(mrrAt(spans, day(iso)));

describe('invoiceLinesToSpans: worked examples', () => {
  it('divides a yearly line by 12 and makes the service period the span', async () => {
    const { spans, lines, nonPositivePeriods } = await normalise(['acme,2024-01-01,2025-01-01,1200,,,Pro,']);
    expect(spans).toEqual([
      {
        customerId: 'acme',
        subscriptionId: 'acme@2024-01-01/2025-01-01/USD',
        start: day('2024-01-01'),
        end: day('2025-01-01'),
        mrr: money('100'),
        currency: 'USD',
        attributes: { plan: 'Pro' },
      },
    ]);
    expect(lines.IN_SPAN).toBe(1);
    expect(nonPositivePeriods).toBe(0);
  });

  it('divides a 3-year line by 36, a Jan 15 → Apr 15 line by 3, and month-end periods by whole months', async () => {
    const { spans } = await normalise([
      'a,2021-03-01,2024-03-01,3600,,,,',
      'b,2024-01-15,2024-04-15,90,,,,',
      'c,2023-01-31,2023-04-30,30,,,,',
      'd,2024-01-31,2024-02-29,50,,,,',
    ]);
    expect(spans.map((span) => [span.customerId, formatMoneyUnits(span.mrr)])).toEqual([
      ['a', '100'],
      ['b', '30'],
      ['c', '10'],
      ['d', '50'],
    ]);
  });

  it('normalises a period that is not whole months by days over 365.2425/12', async () => {
    // 100 × 30.436875 / 14 = 217.40625 → 217.4063; 1349 × 30.436875 / 367 = 111.87832… → 111.8783
    const { spans } = await normalise([
      'a,2024-01-01,2024-01-15,100,,,,',
      'b,2011-06-30,2012-07-01,1349,,,,',
    ]);
    expect(spans.map((span) => formatMoneyUnits(span.mrr))).toEqual(['217.4063', '111.8783']);
  });

  it('sums lines of one period first, so a credit discounts it whatever its sign', async () => {
    const { spans, lines } = await normalise([
      'a,2024-01-01,2025-01-01,1200,,,,',
      'a,2024-01-01,2025-01-01,120,credit,,,',
      'b,2024-01-01,2025-01-01,1200,,,,',
      'b,2024-01-01,2025-01-01,-120,refund,,,',
      'c,2024-01-01,2025-01-01,1200,,,,',
      'c,2024-01-01,2025-01-01,-120,,,,',
    ]);
    expect(spans.map((span) => [span.customerId, formatMoneyUnits(span.mrr)])).toEqual([
      ['a', '90'],
      ['b', '90'],
      ['c', '90'],
    ]);
    expect(lines.IN_SPAN).toBe(6);
  });

  it('drops a period credited to zero or below and a credit that stands alone, counting both', async () => {
    const result = await normalise([
      'a,2024-01-01,2025-01-01,1200,,,,',
      'a,2024-01-01,2025-01-01,-1200,,,,',
      'b,2024-01-01,2025-01-01,0,,,,',
      'c,2024-01-01,2025-01-01,100,,,,',
      'c,2024-02-01,2025-01-01,50,credit,,,',
    ]);
    expect(result.spans.map((span) => span.customerId)).toEqual(['c']);
    expect(result.lines).toEqual({
      IN_SPAN: 1,
      NON_POSITIVE_PERIOD: 3,
      STANDALONE_CREDIT: 1,
      ONE_TIME: 0,
      SETUP: 0,
      TAX: 0,
      USAGE: 0,
    });
    expect(result.nonPositivePeriods).toBe(2);
  });

  it('leaves out one-time, setup and tax lines and reports usage per period', async () => {
    const result = await normalise([
      'a,2024-01-01,2024-02-01,100,,,,',
      'a,2024-01-01,2024-02-01,500,setup fee,,,',
      'a,2024-01-01,2024-02-01,20,VAT,,,',
      'a,2024-01-01,2024-02-01,75,one-time,,,',
      'a,2024-01-01,2024-02-01,12.5,usage,,,',
      'a,2024-01-01,2024-02-01,7.5,metered,,,',
      'b,2024-01-01,2024-02-01,3,usage,EUR,,',
    ]);
    expect(result.spans.map((span) => [span.customerId, formatMoneyUnits(span.mrr)])).toEqual([['a', '100']]);
    expect(result.usage).toEqual([
      {
        customerId: 'a',
        currency: 'USD',
        from: day('2024-01-01'),
        to: day('2024-02-01'),
        amount: money('20'),
        lines: 2,
      },
      {
        customerId: 'b',
        currency: 'EUR',
        from: day('2024-01-01'),
        to: day('2024-02-01'),
        amount: money('3'),
        lines: 1,
      },
    ]);
    expect(result.lines).toMatchObject({ IN_SPAN: 1, SETUP: 1, TAX: 1, ONE_TIME: 1, USAGE: 3 });
  });

  it('keeps a gap between renewals as a stretch with no MRR', async () => {
    const { spans } = await normalise(['a,2024-01-01,2024-04-01,300,,,,', 'a,2024-05-10,2024-08-10,600,,,,']);
    expect(
      ['2024-03-31', '2024-04-01', '2024-05-09', '2024-05-10', '2024-08-10'].map((d) => total(spans, d)),
    ).toEqual(['100', '0', '0', '200', '0']);
  });

  it('adds up overlapping licences of one customer as separate synthetic subscriptions', async () => {
    const { spans } = await normalise([
      'a,2024-01-01,2025-01-01,1200,,,,',
      'a,2024-07-01,2025-07-01,2400,,,,',
    ]);
    expect(spans.map((span) => span.subscriptionId)).toEqual([
      'a@2024-01-01/2025-01-01/USD',
      'a@2024-07-01/2025-07-01/USD',
    ]);
    expect(['2024-06-30', '2024-07-01', '2025-01-01'].map((d) => total(spans, d))).toEqual([
      '100',
      '300',
      '200',
    ]);
  });

  it('splits overlapping periods of a mapped subscription so that its spans never overlap', async () => {
    const { spans } = await normalise(
      [
        'a,2024-01-01,2025-01-01,1200,,,Basic,s1',
        'a,2024-07-01,2025-01-01,300,,,Pro,s1',
        'a,2025-01-01,2026-01-01,1800,,,Pro,s1',
      ],
      { ...MAPPING, subscription: 'subscription' },
    );
    expect(
      spans.map((span) => [
        span.subscriptionId,
        span.start,
        span.end,
        formatMoneyUnits(span.mrr),
        span.attributes,
      ]),
    ).toEqual([
      ['s1', day('2024-01-01'), day('2024-07-01'), '100', { plan: 'Basic' }],
      ['s1', day('2024-07-01'), day('2025-01-01'), '150', { plan: 'Pro' }],
      ['s1', day('2025-01-01'), day('2026-01-01'), '150', { plan: 'Pro' }],
    ]);
  });

  it('keeps currencies apart, and suffixes a mapped subscription billed in two currencies', async () => {
    const { spans } = await normalise(
      [
        'a,2024-01-01,2024-02-01,10,,USD,,s1',
        'a,2024-01-01,2024-02-01,20,,EUR,,s1',
        'b,2024-01-01,2024-02-01,5,,gbp,,',
      ],
      { ...MAPPING, subscription: 'subscription' },
    );
    expect(spans.map((span) => [span.subscriptionId, span.currency, formatMoneyUnits(span.mrr)])).toEqual([
      ['s1/EUR', 'EUR', '20'],
      ['s1/USD', 'USD', '10'],
      ['b@2024-01-01/2024-02-01/GBP', 'GBP', '5'],
    ]);
  });

  it('uses full date-times in synthetic ids for timed periods', async () => {
    const { spans } = await normalise(['a,2024-01-01T12:00:00Z,2024-02-01T12:00:00Z,10,,,,']);
    expect(spans[0]?.subscriptionId).toBe('a@2024-01-01T12:00:00.000Z/2024-02-01T12:00:00.000Z/USD');
    expect(spans[0]?.mrr).toBe(money('10'));
  });
});

describe("Displayr's fake invoice lines", () => {
  it('gives the MRR worked out by hand for every month', async () => {
    const { rows } = await importInvoiceLines(
      readLines(dataset('displayr-invoice-lines/fake_invoice_lines.csv')),
      { customer: 'Name', from: 'From', to: 'To', amount: 'Value' },
    );
    const { spans, lines } = invoiceLinesToSpans(rows);
    expect([rows.length, spans.length, lines.IN_SPAN]).toEqual([18, 18, 18]);
    // A pays 1,000 a year (83.3333/month) over 2012-01-01..2015-01-01, 2015-01-15..2017-01-15 and
    // 2017-06-15..2018-06-15; B pays 10,000 a year (833.3333/month) over 2010-06-30..2022-06-30.
    const aActive = (m: string) =>
      (m >= '2012-01' && m <= '2014-12') ||
      (m >= '2015-02' && m <= '2017-01') ||
      (m >= '2017-07' && m <= '2018-06');
    const bActive = (m: string) => m >= '2010-07' && m <= '2022-06';
    for (let month = day('2009-01-01'); month < day('2024-01-01'); month = addMonths(month, 1)) {
      const label = new Date(month).toISOString().slice(0, 7);
      const expected = (aActive(label) ? 833_333 : 0) + (bActive(label) ? 8_333_333 : 0);
      expect([label, mrrAt(spans, month)]).toEqual([label, expected]);
    }
    expect(total(spans, '2015-01-14')).toBe('833.3333');
    expect(total(spans, '2015-01-15')).toBe('916.6666');
  });
});

describe('the Displayr invoice lines', async () => {
  const { rows } = await importInvoiceLines(
    readLines(dataset('displayr-invoice-lines/q_invoice_lines.csv')),
    DISPLAYR,
    { defaultCurrency: 'AUD' },
  );
  const result = invoiceLinesToSpans(rows);
  const customer = (name: string) => result.spans.filter((span) => span.customerId === name);

  it('accounts for every line: in a span, or in a period whose sum is not positive', () => {
    const counted = Object.values(result.lines).reduce((sum, n) => sum + n, 0);
    expect(counted).toBe(3769);
    // Counts from an independent computation over the raw file (group by name and period, sum AUD).
    expect(result.lines).toMatchObject({ IN_SPAN: 3387, NON_POSITIVE_PERIOD: 382, STANDALONE_CREDIT: 0 });
    expect([result.spans.length, result.nonPositivePeriods]).toEqual([2784, 332]);
    expect(result.spans.every((span) => span.mrr > 0 && span.currency === 'AUD')).toBe(true);
  });

  it('gives the total MRR of an independent computation at several dates', () => {
    // Python with Decimal over the raw CSV: per (name, ValidFrom, ValidTo) sum AUD (4 dp), keep
    // sums > 0, ÷ whole months or × 30.436875 ÷ days, round half up to 4 dp, add active periods.
    expect(
      ['2010-01-01', '2012-01-01', '2014-01-01', '2016-01-01', '2016-06-30'].map((d) =>
        total(result.spans, d),
      ),
    ).toEqual(['22867.9157', '84437.4585', '150379.2563', '306921.4985', '338199.4843']);
  });

  it('gives Organization 221 the MRR worked out by hand from its lines', () => {
    const spans = customer('Organization 221');
    // 2012-01-01: lines 494, 495, 500 share 2011-07-01..2012-07-01: (2998 + 8994 + 2998) / 12 = 1249.1667;
    // line 570, 2011-06-30..2012-07-01 (367 days): 1349 × 30.436875 / 367 = 111.8783; line 716 is 0.
    expect(total(spans, '2012-01-01')).toBe('1361.045');
    // 2014-01-01: line 1318, 6745.5 / 12 = 562.125; line 1416, 2013-06-24..2014-07-01 (372 days):
    // 2698.2 × 30.436875 / 372 = 220.7655; line 1650 is 0.
    expect(total(spans, '2014-01-01')).toBe('782.8905');
  });

  it('discounts credited periods and drops a fully credited one', () => {
    // Organization 706, 2011-07-11..2012-09-08 (425 days): (3141.74 − 889.71) × 30.436875 / 425
    expect(customer('Organization 706').map((span) => formatMoneyUnits(span.mrr))).toContain('161.2818');
    // Organization 688, 2013-09-23..2014-06-05 (255 days): (4242.6892 − 1414.2297) × 30.436875 / 255
    const credited = customer('Organization 688').find((span) => span.start === day('2013-09-23'));
    expect([credited?.end, formatMoneyUnits(credited?.mrr ?? 0)]).toEqual([day('2014-06-05'), '337.6058']);
    // Organization 456, 2013-10-25..2014-09-03: 7707.38 − 7707.38 = 0, so no span for that period.
    expect(customer('Organization 456').some((span) => span.start === day('2013-10-25'))).toBe(false);
  });
});

describe("Displayr's short sample", () => {
  it('loads its 100 lines and gives the totals of the independent computation', async () => {
    const { rows, errors } = await importInvoiceLines(
      readLines(dataset('displayr-invoice-lines/q_invoice_lines_short.csv')),
      DISPLAYR,
      { defaultCurrency: 'AUD' },
    );
    const { spans, lines } = invoiceLinesToSpans(rows);
    expect([rows.length, errors.length, spans.length, lines.IN_SPAN]).toEqual([100, 0, 99, 100]);
    expect(['2012-01-01', '2014-01-01', '2015-06-01'].map((d) => total(spans, d))).toEqual([
      '4710.8867',
      '3233.3211',
      '7771.7649',
    ]);
  });
});

describe('invoiceLinesToSpans laws', () => {
  const line = fc.record({
    customerId: fc.constantFrom('a', 'b', 'c'),
    subscriptionId: fc.option(fc.constantFrom('s1', 's2'), { nil: undefined }),
    fromDay: fc.integer({ min: 0, max: 60 }),
    days: fc.constantFrom(1, 10, 30, 31, 90, 365),
    amount: fc.integer({ min: -5_000_000, max: 50_000_000 }),
    currency: fc.constantFrom('USD', 'EUR'),
    kind: fc.constantFrom(...INVOICE_LINE_KINDS, 'RECURRING', 'RECURRING'),
  });

  it('accounts for every line, gives positive MRR only, and never overlaps spans of one subscription', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 25 }), (generated) => {
        const rows: InvoiceLineRow[] = generated.map((g, i) => ({
          line: i + 2,
          customerId: g.customerId,
          ...(g.subscriptionId === undefined ? {} : { subscriptionId: g.subscriptionId }),
          from: day('2024-01-01') + g.fromDay * 86_400_000,
          to: day('2024-01-01') + (g.fromDay + g.days) * 86_400_000,
          amount: g.amount,
          tax: 0,
          currency: g.currency,
          kind: g.kind,
          attributes: {},
        }));
        const { spans, lines } = invoiceLinesToSpans(rows);
        expect(Object.values(lines).reduce((sum, n) => sum + n, 0)).toBe(rows.length);
        const bySubscription = new Map<string, MrrSpan[]>();
        for (const span of spans) {
          expect(span.mrr).toBeGreaterThan(0);
          expect(span.end).not.toBeNull();
          const key = `${span.customerId}/${span.subscriptionId}`;
          bySubscription.set(key, [...(bySubscription.get(key) ?? []), span]);
        }
        for (const list of bySubscription.values()) {
          const sorted = [...list].sort((x, y) => x.start - y.start);
          for (let i = 1; i < sorted.length; i++) {
            expect(sorted[i]?.start).toBeGreaterThanOrEqual(sorted[i - 1]?.end ?? Number.POSITIVE_INFINITY);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on the order of the lines', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 15 }), fc.infiniteStream(fc.nat()), (generated, shuffle) => {
        const rows: InvoiceLineRow[] = generated.map((g, i) => ({
          line: i + 2,
          customerId: g.customerId,
          from: day('2024-01-01') + g.fromDay * 86_400_000,
          to: day('2024-01-01') + (g.fromDay + g.days) * 86_400_000,
          amount: g.amount,
          tax: 0,
          currency: g.currency,
          kind: g.kind,
          attributes: {},
        }));
        const shuffled = [...rows];
        const iterator = shuffle[Symbol.iterator]();
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = (iterator.next().value ?? 0) % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j] as InvoiceLineRow, shuffled[i] as InvoiceLineRow];
        }
        expect(invoiceLinesToSpans(shuffled)).toEqual(invoiceLinesToSpans(rows));
      }),
      { numRuns: 200 },
    );
  });
});
