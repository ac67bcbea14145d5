/**
 * A worked example for the definitions tests: subscription events where each definition option
 * changes the figures of February–May 2024 in its own, known way (see each customer's comment).
 */

const event = (fields: Record<string, unknown>) =>
  JSON.stringify({ status: 'active', currency: 'USD', interval: 'month', ...fields });

/** The events, one JSON object a line (the `events` import format). */
export const DEFINITIONS_EVENTS = [
  // a: 100 a month at 20% off until September (a finite coupon): 80 under ALL_RECURRING, 100 under ONLY_FOREVER.
  event({
    id: 'a1',
    customer: 'a',
    subscription: 'sa',
    unit_amount: '100',
    effective_at: '2024-01-01',
    discounts: [{ percent_off: 20, duration: 'repeating', start: '2024-01-01', end: '2024-09-01' }],
  }),
  // b: 50, paused from March: kept under pause KEEP, 0 under ZERO.
  event({ id: 'b1', customer: 'b', subscription: 'sb', unit_amount: '50', effective_at: '2024-01-01' }),
  event({
    id: 'b2',
    customer: 'b',
    subscription: 'sb',
    unit_amount: '50',
    effective_at: '2024-03-01',
    status: 'paused',
  }),
  // c: 200, asked to cancel on March 10, service ends April 15 (churnDate); the largest customer (size bands).
  event({ id: 'c1', customer: 'c', subscription: 'sc', unit_amount: '200', effective_at: '2024-01-01' }),
  event({
    id: 'c2',
    customer: 'c',
    subscription: 'sc',
    unit_amount: '200',
    effective_at: '2024-04-15',
    status: 'canceled',
    canceled_at: '2024-03-10',
  }),
  // d: 40, past due from February 10 on: kept by default, churned 30 days later under pastDueChurnDays 30.
  event({ id: 'd1', customer: 'd', subscription: 'sd', unit_amount: '40', effective_at: '2024-01-01' }),
  event({
    id: 'd2',
    customer: 'd',
    subscription: 'sd',
    unit_amount: '40',
    effective_at: '2024-02-10',
    status: 'past_due',
  }),
  // e: 60, unpaid from March: churned under unpaid CHURN, kept (as past due) under KEEP.
  event({ id: 'e1', customer: 'e', subscription: 'se', unit_amount: '60', effective_at: '2024-01-01' }),
  event({
    id: 'e2',
    customer: 'e',
    subscription: 'se',
    unit_amount: '60',
    effective_at: '2024-03-01',
    status: 'unpaid',
  }),
  // f: 30 until January 15, back at 30 on May 1 after 107 days: a reactivation, or new business under a 30-day window.
  event({ id: 'f1', customer: 'f', subscription: 'sf', unit_amount: '30', effective_at: '2023-12-01' }),
  event({
    id: 'f2',
    customer: 'f',
    subscription: 'sf',
    unit_amount: '30',
    effective_at: '2024-01-15',
    status: 'canceled',
  }),
  event({ id: 'f3', customer: 'f', subscription: 'sf2', unit_amount: '30', effective_at: '2024-05-01' }),
  // g: two subscriptions, 70 and 20; the 20 ends April 1: contraction at customer grain, churn at subscription grain.
  event({ id: 'g1', customer: 'g', subscription: 'sg1', unit_amount: '70', effective_at: '2024-01-01' }),
  event({ id: 'g2', customer: 'g', subscription: 'sg2', unit_amount: '20', effective_at: '2024-01-01' }),
  event({
    id: 'g3',
    customer: 'g',
    subscription: 'sg2',
    unit_amount: '20',
    effective_at: '2024-04-01',
    status: 'canceled',
  }),
  // h: 10, then 15 and 25 within 30 minutes on April 1: one ledger entry when coalesced (60 minutes), two when not (0).
  event({ id: 'h1', customer: 'h', subscription: 'sh', unit_amount: '10', effective_at: '2024-01-01' }),
  event({
    id: 'h2',
    customer: 'h',
    subscription: 'sh',
    unit_amount: '15',
    effective_at: '2024-04-01T00:00:00Z',
  }),
  event({
    id: 'h3',
    customer: 'h',
    subscription: 'sh',
    unit_amount: '25',
    effective_at: '2024-04-01T00:30:00Z',
  }),
  // i: 5 from January 31, 12:00 UTC: already paying on February 1 in UTC, new in February in Auckland (UTC+13).
  event({
    id: 'i1',
    customer: 'i',
    subscription: 'si',
    unit_amount: '5',
    effective_at: '2024-01-31T12:00:00Z',
  }),
].join('\n');
