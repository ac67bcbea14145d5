import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type EventPolicy,
  eventsToSpans,
  type MrrSpan,
  MS_PER_DAY,
  SUBSCRIPTION_STATUSES,
  type SubscriptionDiscount,
  type SubscriptionEvent,
  type SubscriptionItem,
} from '../../src/index.ts';

const day = (n: number) => Date.UTC(2024, 0, 1) + n * MS_PER_DAY;

const item: fc.Arbitrary<SubscriptionItem> = fc.oneof(
  fc.record({
    kind: fc.constant('LICENSED' as const),
    unitAmount: fc.integer({ min: 0, max: 50_000_000 }),
    quantity: fc.integer({ min: 0, max: 5 }),
    interval: fc.constantFrom('day', 'week', 'month', 'quarter', 'year' as const),
    intervalCount: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({ kind: fc.constant('ONE_TIME' as const), unitAmount: fc.nat(1_000_000), quantity: fc.nat(3) }),
);

const discount: fc.Arbitrary<SubscriptionDiscount> = fc
  .record({
    off: fc.oneof(
      fc.record({
        kind: fc.constant('PERCENT_OFF' as const),
        percentOff: fc.integer({ min: 0, max: 1_000_000 }),
      }),
      fc.record({ kind: fc.constant('AMOUNT_OFF' as const), amountOff: fc.nat(60_000_000) }),
    ),
    duration: fc.constantFrom('ONCE', 'REPEATING', 'FOREVER' as const),
    start: fc.option(fc.nat(90), { nil: undefined }),
    length: fc.integer({ min: 1, max: 60 }),
  })
  .map(({ off, duration, start, length }) => ({
    ...off,
    duration,
    ...(start === undefined ? {} : { start: day(start) }),
    ...(duration === 'REPEATING' ? { end: day((start ?? 0) + length) } : {}),
  }));

const eventFields = fc.record({
  subscription: fc.constantFrom('s1', 's2', 's3'),
  at: fc.nat(20),
  hour: fc.constantFrom(0, 12),
  status: fc.constantFrom(...SUBSCRIPTION_STATUSES),
  items: fc.array(item, { maxLength: 2 }),
  discounts: fc.array(discount, { maxLength: 2 }),
  canceledAt: fc.option(fc.nat(90), { nil: undefined }),
  currency: fc.constantFrom('USD', 'EUR'),
  plan: fc.constantFrom('basic', 'pro'),
});

/** Random events with unique ids; recurring items of one event share its first item's interval. */
const events: fc.Arbitrary<SubscriptionEvent[]> = fc
  .array(eventFields, { maxLength: 25, size: 'medium' })
  .map((list) =>
    list.map((fields, index) => {
      const first = fields.items.find((candidate) => candidate.kind === 'LICENSED');
      const items = fields.items.map((candidate) =>
        candidate.kind === 'LICENSED' && first?.kind === 'LICENSED'
          ? { ...candidate, interval: first.interval, intervalCount: first.intervalCount }
          : candidate,
      );
      return {
        id: `evt_${String(index).padStart(3, '0')}`,
        customerId: fields.subscription === 's3' ? 'c2' : 'c1',
        subscriptionId: fields.subscription,
        effectiveAt: day(fields.at) + fields.hour * 3_600_000,
        status: fields.status,
        currency: fields.currency,
        items,
        discounts: fields.discounts,
        ...(fields.canceledAt === undefined ? {} : { canceledAt: day(fields.canceledAt) }),
        attributes: { plan: fields.plan },
      };
    }),
  );

const policy: fc.Arbitrary<Partial<EventPolicy>> = fc.record({
  discounts: fc.constantFrom('ALL_RECURRING', 'ONLY_FOREVER' as const),
  pastDue: fc.oneof(
    fc.constant({ kind: 'KEEP' as const }),
    fc.record({ kind: fc.constant('CHURN_AFTER_DAYS' as const), days: fc.nat(40) }),
  ),
  pause: fc.constantFrom('KEEP', 'ZERO', 'CHURN' as const),
});

function bySubscription(spans: readonly MrrSpan[]): MrrSpan[][] {
  const groups = new Map<string, MrrSpan[]>();
  for (const span of spans)
    groups.set(span.subscriptionId, [...(groups.get(span.subscriptionId) ?? []), span]);
  return [...groups.values()];
}

describe('eventsToSpans laws', () => {
  it('spans of one subscription are sorted, non-empty and never overlap', () => {
    fc.assert(
      fc.property(events, policy, (list, chosen) => {
        for (const spans of bySubscription(eventsToSpans(list, chosen))) {
          spans.forEach((span, index) => {
            expect(span.end === null || span.end > span.start).toBe(true);
            const next = spans[index + 1];
            if (next) expect(span.end !== null && span.end <= next.start).toBe(true);
          });
        }
      }),
    );
  });

  it('MRR is a non-negative integer number of units and canceledAt precedes the end', () => {
    fc.assert(
      fc.property(events, policy, (list, chosen) => {
        for (const span of eventsToSpans(list, chosen)) {
          expect(Number.isSafeInteger(span.mrr) && span.mrr >= 0).toBe(true);
          if (span.canceledAt !== undefined)
            expect(span.end === null || span.canceledAt < span.end).toBe(true);
        }
      }),
    );
  });

  it('merges every pair of touching spans that say the same thing', () => {
    fc.assert(
      fc.property(events, policy, (list, chosen) => {
        for (const spans of bySubscription(eventsToSpans(list, chosen))) {
          spans.forEach((span, index) => {
            const next = spans[index + 1];
            if (next && span.end === next.start) {
              const same =
                span.mrr === next.mrr &&
                span.currency === next.currency &&
                span.customerId === next.customerId &&
                JSON.stringify(span.attributes) === JSON.stringify(next.attributes);
              expect(same).toBe(false);
            }
          });
        }
      }),
    );
  });

  it('gives the same spans whatever the order of the input', () => {
    fc.assert(
      fc.property(
        events.chain((list) =>
          fc.tuple(
            fc.constant(list),
            fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }),
          ),
        ),
        policy,
        ([list, shuffled], chosen) => {
          expect(eventsToSpans(shuffled, chosen)).toEqual(eventsToSpans(list, chosen));
        },
      ),
    );
  });

  it('with the default policy, no span is live after its subscription ended and none before it started', () => {
    fc.assert(
      fc.property(events, (list) => {
        for (const span of eventsToSpans(list)) {
          const own = list.filter((event) => event.subscriptionId === span.subscriptionId);
          const startsHere = own.some(
            (event) => event.effectiveAt <= span.start && event.status !== 'incomplete',
          );
          expect(startsHere).toBe(true);
          const ending = own
            .filter((event) => ['canceled', 'ended', 'incomplete_expired'].includes(event.status))
            .filter((event) => event.effectiveAt > span.start)
            // At one instant the greater id wins: an ending followed there by another event does not end.
            .filter(
              (event) => !own.some((other) => other.effectiveAt === event.effectiveAt && other.id > event.id),
            )
            .sort((a, b) => a.effectiveAt - b.effectiveAt)[0];
          if (ending) expect(span.end !== null && span.end <= ending.effectiveAt).toBe(true);
        }
      }),
    );
  });
});
