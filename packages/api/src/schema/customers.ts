/** `Customer`, `CustomerConnection` and the `customers` and `customer` queries. */
import {
  customerHistory,
  type Definitions,
  type EntityTimeline,
  entityMrrAt,
  type LedgerEntry,
  type ResolvedDefinitions,
} from '@nrr/core';
import { chargeWork } from '../analytics/query-input.ts';
import { questionDefinitions } from '../analytics/question-definitions.ts';
import { currentInstant, latestAttributes, visibleToCaller } from '../auth/segment-visibility.ts';
import type { ApiContext } from '../context.ts';
import { checkedPageSize } from '../internal/query-limits.ts';
import { AttributeRef, attributeList } from './attribute.ts';
import { builder } from './builder.ts';
import { decodeOffsetCursor, encodeOffsetCursor, PageInfoRef } from './connection.ts';
import { DefinitionsInputRef, DefinitionsRef } from './definitions.ts';
import { MovementTypeEnum } from './enums.ts';
import { MoneyRef, money } from './money.ts';

/**
 * A customer as resolvers pass it around: its timeline entity, and the definitions of the
 * timeline it comes from (`undefined`: the tenant's settings, as `customers` lists them).
 */
export interface CustomerNode {
  readonly entity: EntityTimeline;
  readonly definitions?: ResolvedDefinitions;
}

/** The definitions of a customer's timeline: the set's own, at customer grain (a customer's history is the customer's). */
function customerGrain(definitions: ResolvedDefinitions): Definitions {
  return definitions.grain === 'CUSTOMER' ? definitions : { ...definitions, grain: 'CUSTOMER' };
}

const LedgerEntryRef = builder.objectRef<{ entry: LedgerEntry; currency: string }>('LedgerEntry').implement({
  description: 'One dated change of a customer’s MRR, classified.',
  fields: (t) => ({
    at: t.field({
      type: 'DateTime',
      description: 'When the change took effect.',
      resolve: ({ entry }) => entry.at,
    }),
    type: t.field({
      type: MovementTypeEnum,
      description: 'Kind of change.',
      resolve: ({ entry }) => entry.kind,
    }),
    amount: t.field({
      type: MoneyRef,
      description: 'Size, positive.',
      resolve: ({ entry, currency }) => money(entry.amount, currency),
    }),
    mrrBefore: t.field({
      type: MoneyRef,
      description: 'MRR before.',
      resolve: ({ entry, currency }) => money(entry.mrrBefore, currency),
    }),
    mrrAfter: t.field({
      type: MoneyRef,
      description: 'MRR after.',
      resolve: ({ entry, currency }) => money(entry.mrrAfter, currency),
    }),
  }),
});

const MrrPointRef = builder.objectRef<{ at: number; mrr: number; currency: string }>('MrrPoint').implement({
  description: 'A customer’s MRR from an instant on.',
  fields: (t) => ({
    at: t.field({ type: 'DateTime', description: 'From when.', resolve: (point) => point.at }),
    mrr: t.field({
      type: MoneyRef,
      description: 'MRR from then on.',
      resolve: (point) => money(point.mrr, point.currency),
    }),
  }),
});

export const CustomerRef = builder.objectRef<CustomerNode>('Customer').implement({
  description: 'A paying (or formerly paying) customer of the tenant.',
  fields: (t) => ({
    id: t.id({
      description: 'Customer id from the billing data.',
      resolve: ({ entity }) => entity.customerId,
    }),
    attributes: t.field({
      type: [AttributeRef],
      description: 'Latest attributes (plan, country, …), sorted by name.',
      resolve: ({ entity }) => attributeList(latestAttributes(entity)),
    }),
    mrr: t.field({
      type: MoneyRef,
      description: 'MRR in the reporting currency at `at` (default: now), after every change before it.',
      args: { at: t.arg({ type: 'Date', required: false, description: 'Default: now.' }) },
      resolve: async ({ entity, definitions }, { at }, context) => {
        const timeline = await context.analytics.timeline(
          customerGrain(definitions ?? context.tenant.definitions),
        );
        const rates = await context.analytics.rates();
        const instant = at ?? currentInstant(timeline);
        return money(entityMrrAt(timeline, entity.id, instant, rates), rates.reportingCurrency);
      },
    }),
    history: t.field({
      type: [MrrPointRef],
      description: 'MRR after each change, oldest first, at the rates in force at each change.',
      resolve: async ({ entity, definitions }, _args, context) => {
        const timeline = await context.analytics.timeline(
          customerGrain(definitions ?? context.tenant.definitions),
        );
        const history = customerHistory(timeline, entity.id, await context.analytics.rates());
        return (history?.mrr ?? []).map((point) => ({ ...point, currency: history?.currency ?? '' }));
      },
    }),
    ledger: t.field({
      type: [LedgerEntryRef],
      description: 'Every change of the customer’s MRR, classified, oldest first.',
      resolve: async ({ entity, definitions }, _args, context) => {
        const chosen = definitions ?? context.tenant.definitions;
        const timeline = await context.analytics.timeline(customerGrain(chosen));
        const history = customerHistory(timeline, entity.id, await context.analytics.rates(), {
          reactivationWindowDays: chosen.reactivationWindowDays,
        });
        return (history?.ledger ?? []).map((entry) => ({ entry, currency: history?.currency ?? '' }));
      },
    }),
    definitions: t.field({
      type: DefinitionsRef,
      description:
        'The definitions of its history and ledger (the tenant’s settings or the query’s override; always at customer grain).',
      resolve: ({ definitions }, _args, context) => ({
        ...(definitions ?? context.tenant.definitions),
        grain: 'CUSTOMER' as const,
      }),
    }),
  }),
});

const CustomerEdgeRef = builder.objectRef<{ node: CustomerNode; cursor: string }>('CustomerEdge').implement({
  description: 'A customer and its cursor.',
  fields: (t) => ({
    cursor: t.exposeString('cursor', { description: 'Opaque position.' }),
    node: t.field({ type: CustomerRef, description: 'The customer.', resolve: (edge) => edge.node }),
  }),
});

const CustomerConnectionRef = builder
  .objectRef<{
    edges: { node: CustomerNode; cursor: string }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    totalCount: number;
  }>('CustomerConnection')
  .implement({
    description: 'A page of customers, ordered by id.',
    fields: (t) => ({
      edges: t.field({ type: [CustomerEdgeRef], description: 'This page.', resolve: (c) => c.edges }),
      pageInfo: t.field({ type: PageInfoRef, description: 'Paging.', resolve: (c) => c.pageInfo }),
      totalCount: t.exposeInt('totalCount', { description: 'Customers matching the search.' }),
    }),
  });

builder.queryField('customers', (t) =>
  t.field({
    type: CustomerConnectionRef,
    description: 'The tenant’s customers, ordered by id; an embed token sees only its segment.',
    args: {
      first: t.arg.int({ required: false, description: 'Page size, 1–500; default 50.' }),
      after: t.arg.string({ required: false, description: '`endCursor` of the previous page.' }),
      search: t.arg.string({
        required: false,
        description: 'Keep customers whose id or an attribute value contains this text (case-insensitive).',
      }),
    },
    resolve: async (_root, { first, after, search }, context) => {
      const size = checkedPageSize(first);
      const version = context.tenant.dataVersion;
      const start = decodeOffsetCursor(after, version);
      // Reads every customer: the scan part of a question's work, once per request.
      await chargeWork(context, 'customers', 'customers', 0);
      const timeline = await context.analytics.timeline();
      const needle = search?.trim().toLowerCase();
      const matching: EntityTimeline[] = [];
      for (const entity of timeline.entities) {
        if (needle) {
          const haystack = [entity.customerId, ...Object.values(latestAttributes(entity))];
          if (!haystack.some((text) => text.toLowerCase().includes(needle))) continue;
        }
        if (await visibleToCaller(context, timeline, entity)) matching.push(entity);
      }
      matching.sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
      const edges = matching.slice(start, start + size).map((entity, index) => ({
        node: { entity },
        cursor: encodeOffsetCursor(version, start + index),
      }));
      return {
        edges,
        pageInfo: { hasNextPage: start + size < matching.length, endCursor: edges.at(-1)?.cursor ?? null },
        totalCount: matching.length,
      };
    },
  }),
);

builder.queryField('customer', (t) =>
  t.field({
    type: CustomerRef,
    nullable: true,
    description:
      'One customer with its MRR history and ledger; null when unknown (or outside a token’s segment).',
    args: {
      id: t.arg.id({ required: true, description: 'Customer id.' }),
      definitions: t.arg({
        type: DefinitionsInputRef,
        required: false,
        description:
          'Override the tenant’s settings for this customer’s history and ledger only (at customer grain whatever `grain` says).',
      }),
    },
    resolve: (_root, args, context) =>
      customerNode(context, String(args.id), questionDefinitions(context, args.definitions)),
  }),
);

/**
 * The `Customer` of `customerId` in the timeline of `definitions` (at customer grain): `null` when
 * no such customer exists, or when it is outside the caller's segment.
 */
export async function customerNode(
  context: ApiContext,
  customerId: string,
  definitions: ResolvedDefinitions,
): Promise<CustomerNode | null> {
  const timeline = await context.analytics.timeline(customerGrain(definitions));
  const index = timeline.indexOf(customerId);
  const entity = index === undefined ? undefined : timeline.entities[index];
  if (!entity || !(await visibleToCaller(context, timeline, entity))) return null;
  return { entity, definitions };
}
