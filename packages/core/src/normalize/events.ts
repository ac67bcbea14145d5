/**
 * Subscription events → MRR spans (retention semantics §2 and §3). Each event is the full state
 * of its subscription from `effectiveAt` until that subscription's next event; events may come
 * in any order and are sorted by subscription, time, then event id (so of two events at the same
 * instant the one with the greater id wins). The policies below choose how discounts, past-due and
 * unpaid subscriptions and pauses count; trials and free plans are always MRR 0, metered and one-time
 * prices never count, and each span keeps its event's currency (conversion happens later).
 */
import { type Instant, MS_PER_DAY } from '../dates.ts';
import {
  type SubscriptionDiscount,
  type SubscriptionEvent,
  type SubscriptionItem,
  TERMINAL_STATUSES,
} from '../import/event-types.ts';
import { divideRounded, type MoneyUnits } from '../money.ts';
import type { MrrSpan } from '../spans.ts';
import { monthlyAmount } from './intervals.ts';

/**
 * Which discounts reduce MRR. `ALL_RECURRING` (default): every repeating or forever discount
 * while it applies, so a discount that starts is contraction and one that ends is expansion.
 * `ONLY_FOREVER`: only discounts with no end date. Single-invoice (`ONCE`) discounts never count.
 */
export type DiscountPolicy = 'ALL_RECURRING' | 'ONLY_FOREVER';

/**
 * How past-due subscriptions (and unpaid ones, under the `KEEP` {@link UnpaidPolicy}) count.
 * `KEEP` (default): in MRR as if paid. `CHURN_AFTER_DAYS`: once a subscription has been past due
 * (or unpaid) for `days` days in a row without a later event of another status, it has no MRR
 * (the subscription churns); a later active event brings it back, which reads as reactivation.
 */
export type PastDuePolicy =
  | { readonly kind: 'KEEP' }
  | {
      readonly kind: 'CHURN_AFTER_DAYS';
      /** Days past due before churn, counted from the first past-due event of the run; 0 or more. */
      readonly days: number;
    };

/**
 * How paused subscriptions count. `KEEP` (default): MRR unchanged while paused. `ZERO`: MRR 0
 * while paused, the subscription still exists (spans of 0). `CHURN`: the subscription ends at the
 * pause, and a resume starts a new stretch of spans that reads as reactivation. Whatever the
 * policy, a subscription that never paid (no earlier event active, past due or unpaid, and not a
 * pause of collection: a trial that ended without a payment method, which Stripe pauses) has
 * MRR 0 while paused, so its resume is new business rather than its pause.
 */
export type PausePolicy = 'KEEP' | 'ZERO' | 'CHURN';

/**
 * How unpaid subscriptions count (Stripe moves a subscription to `unpaid` when its payment retries
 * are exhausted, if so configured, and stops its invoices being paid). `CHURN` (default, as
 * Stripe's billing analytics count it): the subscription ends at the unpaid event, and a later
 * active event starts it again, which reads as reactivation. `KEEP`: unpaid counts as past due,
 * so the {@link PastDuePolicy} decides (the engine's behaviour before this policy existed).
 */
export type UnpaidPolicy = 'CHURN' | 'KEEP';

/** The choices {@link eventsToSpans} makes where vendors disagree. */
export interface EventPolicy {
  /** Default `ALL_RECURRING`. */
  readonly discounts: DiscountPolicy;
  /** Default `{ kind: 'KEEP' }`. */
  readonly pastDue: PastDuePolicy;
  /** Default `KEEP`. */
  readonly pause: PausePolicy;
  /** Default `CHURN`. */
  readonly unpaid: UnpaidPolicy;
}

/** The semantics' defaults: every recurring discount, past-due kept, pauses kept, unpaid churned. */
export const DEFAULT_EVENT_POLICY: EventPolicy = {
  discounts: 'ALL_RECURRING',
  pastDue: { kind: 'KEEP' },
  pause: 'KEEP',
  unpaid: 'CHURN',
};

/**
 * Turns subscription events into MRR spans, sorted by subscription id then start. Spans of one
 * subscription never overlap; adjacent spans with the same customer, MRR, currency and attributes
 * are merged. A `canceled`, `ended` or `incomplete_expired` event ends the subscription at its
 * `effectiveAt` (the end of the paid service); its `canceledAt` (or, without one, that of the
 * event before it) is carried into `MrrSpan.canceledAt` of the spans that end after it. A
 * subscription still running whose last event has `canceledAt` (cancellation scheduled at period
 * end) carries it the same way. `incomplete` subscriptions have no spans.
 *
 * Throws `RangeError` for an event that keeps a subscription alive without a currency, for
 * recurring prices on different billing intervals within one event, or for negative past-due days.
 */
export function eventsToSpans(
  events: readonly SubscriptionEvent[],
  policy: Partial<EventPolicy> = {},
): MrrSpan[] {
  const resolved: EventPolicy = { ...DEFAULT_EVENT_POLICY, ...policy };
  if (resolved.pastDue.kind === 'CHURN_AFTER_DAYS' && !(resolved.pastDue.days >= 0)) {
    throw new RangeError(`past-due days must be 0 or more, got ${resolved.pastDue.days}`);
  }
  const bySubscription = new Map<string, SubscriptionEvent[]>();
  for (const event of events) {
    const list = bySubscription.get(event.subscriptionId);
    if (list) list.push(event);
    else bySubscription.set(event.subscriptionId, [event]);
  }
  const spans: MrrSpan[] = [];
  for (const subscriptionId of [...bySubscription.keys()].sort(compareText)) {
    const ordered = [...(bySubscription.get(subscriptionId) ?? [])].sort(
      (a, b) => a.effectiveAt - b.effectiveAt || compareText(a.id, b.id),
    );
    for (const draft of mergeAdjacent(subscriptionSpans(ordered, resolved))) spans.push(toSpan(draft));
  }
  return spans;
}

/**
 * MRR of an event's prices at an instant, whatever its status: the licensed recurring prices ×
 * quantities for one billing period, each less its item's discounts in force at `at`, summed, less
 * the subscription's discounts in force at `at` (each discount in order on what the previous left,
 * never below 0), normalised to a month. Metered and one-time prices add nothing.
 */
export function recurringMrrAt(
  event: SubscriptionEvent,
  at: Instant,
  discounts: DiscountPolicy = 'ALL_RECURRING',
): MoneyUnits {
  const licensed = event.items.filter(
    (item): item is Extract<SubscriptionItem, { kind: 'LICENSED' }> => item.kind === 'LICENSED',
  );
  const first = licensed[0];
  if (!first) return 0;
  let perPeriod = 0;
  for (const item of licensed) {
    if (item.interval !== first.interval || item.intervalCount !== first.intervalCount) {
      throw new RangeError(`event ${event.id}: recurring prices must share one billing interval`);
    }
    // Quantities may be fractional: 6 decimals are kept, the product rounded to 1/10,000.
    const line = divideRounded(
      BigInt(item.unitAmount) * BigInt(Math.round(item.quantity * 1_000_000)),
      1_000_000n,
    );
    perPeriod += applyDiscounts(line, item.discounts ?? [], at, discounts);
  }
  perPeriod = applyDiscounts(perPeriod, event.discounts, at, discounts);
  return perPeriod === 0 ? 0 : monthlyAmount(perPeriod, first.interval, first.intervalCount);
}

/** An amount per billing period less the discounts in force at `at`, in order, never below 0. */
function applyDiscounts(
  amount: MoneyUnits,
  discounts: readonly SubscriptionDiscount[],
  at: Instant,
  policy: DiscountPolicy,
): MoneyUnits {
  let left = amount;
  for (const discount of discounts) {
    if (!appliesAt(discount, at, policy)) continue;
    left -=
      discount.kind === 'PERCENT_OFF'
        ? divideRounded(BigInt(left) * BigInt(discount.percentOff), 1_000_000n)
        : discount.amountOff;
    if (left <= 0) return 0;
  }
  return left;
}

/** Every discount of an event: the subscription's, then each licensed item's. */
function allDiscounts(event: SubscriptionEvent): SubscriptionDiscount[] {
  const all = [...event.discounts];
  for (const item of event.items) {
    if (item.kind === 'LICENSED' && item.discounts) all.push(...item.discounts);
  }
  return all;
}

/** A span under construction. */
interface Draft {
  customerId: string;
  subscriptionId: string;
  start: Instant;
  end: Instant | null;
  mrr: MoneyUnits;
  currency: string;
  attributes: Readonly<Record<string, string>>;
  attributesKey: string;
  canceledAt?: Instant;
}

/** Statuses that show the subscription has been paying (billed after any trial). */
const PAYING: ReadonlySet<SubscriptionEvent['status']> = new Set(['active', 'past_due', 'unpaid']);

/** What an event's status contributes while it is in force. */
type Contribution = 'PRICE' | 'ZERO' | 'NONE';

function contribution(event: SubscriptionEvent, policy: EventPolicy, paying: boolean): Contribution {
  switch (event.status) {
    case 'active':
    case 'past_due':
      return 'PRICE';
    case 'unpaid':
      return policy.unpaid === 'CHURN' ? 'NONE' : 'PRICE';
    case 'trialing':
      return 'ZERO';
    case 'paused':
      if (policy.pause === 'KEEP') return paying ? 'PRICE' : 'ZERO';
      return policy.pause === 'ZERO' ? 'ZERO' : 'NONE';
    case 'incomplete':
    case 'canceled':
    case 'ended':
    case 'incomplete_expired':
      return 'NONE';
    default:
      return event.status satisfies never;
  }
}

/** Spans of one subscription from its events in order. */
function subscriptionSpans(events: readonly SubscriptionEvent[], policy: EventPolicy): Draft[] {
  const drafts: Draft[] = [];
  let pastDueSince: Instant | undefined;
  // Whether the subscription has paid by this event: a paused one that never did keeps no MRR.
  let paying = false;
  events.forEach((event, index) => {
    paying ||= PAYING.has(event.status) || event.collectionPaused === true;
    const pastDue = event.status === 'past_due' || event.status === 'unpaid';
    pastDueSince = pastDue ? (pastDueSince ?? event.effectiveAt) : undefined;
    if (TERMINAL_STATUSES.has(event.status)) {
      const previous = events[index - 1];
      const asked =
        event.canceledAt ??
        (previous && !TERMINAL_STATUSES.has(previous.status) ? previous.canceledAt : undefined);
      markCancellation(drafts, event.effectiveAt, asked);
      return;
    }
    const from = event.effectiveAt;
    let to = events[index + 1]?.effectiveAt ?? null;
    if (to !== null && to <= from) return;
    if (pastDue && pastDueSince !== undefined && policy.pastDue.kind === 'CHURN_AFTER_DAYS') {
      const churnAt = pastDueSince + policy.pastDue.days * MS_PER_DAY;
      if (churnAt <= from) return;
      if (to === null || churnAt < to) to = churnAt;
    }
    const kind = contribution(event, policy, paying);
    if (kind === 'NONE') return;
    const currency = event.currency;
    if (currency === undefined) {
      throw new RangeError(`event ${event.id}: a ${event.status} event needs a currency`);
    }
    const base = {
      customerId: event.customerId,
      subscriptionId: event.subscriptionId,
      currency,
      attributes: event.attributes,
      attributesKey: JSON.stringify(Object.entries(event.attributes).sort(([a], [b]) => compareText(a, b))),
    };
    if (kind === 'ZERO') {
      drafts.push({ ...base, start: from, end: to, mrr: 0 });
      return;
    }
    // Discounts starting or ending inside the stretch split it.
    const cuts = new Set<Instant>();
    for (const discount of allDiscounts(event)) {
      if (
        discount.duration === 'ONCE' ||
        (policy.discounts === 'ONLY_FOREVER' && discount.duration !== 'FOREVER')
      ) {
        continue;
      }
      for (const cut of [discount.start, discount.end]) {
        if (cut !== undefined && cut > from && (to === null || cut < to)) cuts.add(cut);
      }
    }
    const bounds = [from, ...[...cuts].sort((a, b) => a - b)];
    bounds.forEach((start, i) => {
      const end = bounds[i + 1] ?? to;
      drafts.push({ ...base, start, end, mrr: recurringMrrAt(event, start, policy.discounts) });
    });
  });
  const last = events[events.length - 1];
  if (last && !TERMINAL_STATUSES.has(last.status)) markCancellation(drafts, null, last.canceledAt);
  return drafts;
}

/**
 * Sets `canceledAt` on the spans of the unbroken stretch that ends at `end` (`null`: still open)
 * and that end after the cancellation request.
 */
function markCancellation(drafts: Draft[], end: Instant | null, canceledAt: Instant | undefined): void {
  if (canceledAt === undefined || (end !== null && canceledAt >= end)) return;
  let boundary: Instant | null = end;
  for (let i = drafts.length - 1; i >= 0; i--) {
    const draft = drafts[i];
    if (!draft || draft.end !== boundary || (draft.end !== null && draft.end <= canceledAt)) return;
    draft.canceledAt = canceledAt;
    boundary = draft.start;
  }
}

function mergeAdjacent(drafts: readonly Draft[]): Draft[] {
  const merged: Draft[] = [];
  for (const draft of drafts) {
    const previous = merged[merged.length - 1];
    if (
      previous &&
      previous.end === draft.start &&
      previous.customerId === draft.customerId &&
      previous.mrr === draft.mrr &&
      previous.currency === draft.currency &&
      previous.attributesKey === draft.attributesKey
    ) {
      previous.end = draft.end;
      // Marked spans form a suffix of the stretch, so the later span's mark is the merged one's.
      if (draft.canceledAt === undefined) delete previous.canceledAt;
      else previous.canceledAt = draft.canceledAt;
    } else {
      merged.push({ ...draft });
    }
  }
  return merged;
}

function toSpan(draft: Draft): MrrSpan {
  return {
    customerId: draft.customerId,
    subscriptionId: draft.subscriptionId,
    start: draft.start,
    end: draft.end,
    mrr: draft.mrr,
    currency: draft.currency,
    ...(draft.canceledAt === undefined ? {} : { canceledAt: draft.canceledAt }),
    ...(Object.keys(draft.attributes).length === 0 ? {} : { attributes: { ...draft.attributes } }),
  };
}

function appliesAt(discount: SubscriptionDiscount, at: Instant, policy: DiscountPolicy): boolean {
  if (discount.duration === 'ONCE') return false;
  if (policy === 'ONLY_FOREVER' && discount.duration !== 'FOREVER') return false;
  return (
    (discount.start === undefined || discount.start <= at) &&
    (discount.end === undefined || at < discount.end)
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
