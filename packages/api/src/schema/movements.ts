/** `Movement`, `MovementConnection` and the `movements` query: who moved MRR in a window. */
import {
  type CustomerMovement,
  definitionsKey,
  type ResolvedDefinitions,
  type RetentionWarning,
} from '@nrr/core';
import { chargeWork, coreWindow, engineWindow, questionKey } from '../analytics/query-input.ts';
import { checkedPageSize } from '../internal/query-limits.ts';
import { AttributeRef, attributeList } from './attribute.ts';
import { builder } from './builder.ts';
import { decodeOffsetCursor, encodeOffsetCursor, PageInfoRef } from './connection.ts';
import { DefinitionsRef, definitionsField } from './definitions.ts';
import { MovementTypeEnum } from './enums.ts';
import { MoneyRef, money } from './money.ts';
import { WarningRef } from './retention-report.ts';
import { currencyField, segmentField, windowFields } from './window-input.ts';

interface MovementNode {
  readonly movement: CustomerMovement;
  readonly currency: string;
}

const MovementRef = builder.objectRef<MovementNode>('Movement').implement({
  description: 'One customer’s net MRR movement over the window; these sum to the retention bridge.',
  fields: (t) => ({
    customerId: t.id({ description: 'The customer.', resolve: ({ movement }) => movement.customerId }),
    type: t.field({
      type: MovementTypeEnum,
      description: 'Kind of movement.',
      resolve: ({ movement }) => movement.kind,
    }),
    amount: t.field({
      type: MoneyRef,
      description: 'Size of the movement, positive.',
      resolve: ({ movement, currency }) => money(movement.amount, currency),
    }),
    startingMrr: t.field({
      type: MoneyRef,
      description: 'MRR at the window start.',
      resolve: ({ movement, currency }) => money(movement.startingMrr, currency),
    }),
    endingMrr: t.field({
      type: MoneyRef,
      description: 'MRR at the window end.',
      resolve: ({ movement, currency }) => money(movement.endingMrr, currency),
    }),
    at: t.field({
      type: 'DateTime',
      description: 'First change in the window.',
      resolve: ({ movement }) => movement.at,
    }),
    attributes: t.field({
      type: [AttributeRef],
      description: 'The customer’s attributes at the window start.',
      resolve: ({ movement }) => attributeList(movement.attributes),
    }),
  }),
});

const MovementEdgeRef = builder.objectRef<{ node: MovementNode; cursor: string }>('MovementEdge').implement({
  description: 'A movement and its cursor.',
  fields: (t) => ({
    cursor: t.exposeString('cursor', { description: 'Opaque position.' }),
    node: t.field({ type: MovementRef, description: 'The movement.', resolve: (edge) => edge.node }),
  }),
});

const MovementConnectionRef = builder
  .objectRef<{
    edges: { node: MovementNode; cursor: string }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    totalCount: number;
    warnings: readonly RetentionWarning[];
    definitions: ResolvedDefinitions;
  }>('MovementConnection')
  .implement({
    description: 'A page of movements, ordered by first change, then customer.',
    fields: (t) => ({
      edges: t.field({ type: [MovementEdgeRef], description: 'This page.', resolve: (c) => c.edges }),
      pageInfo: t.field({ type: PageInfoRef, description: 'Paging.', resolve: (c) => c.pageInfo }),
      totalCount: t.exposeInt('totalCount', { description: 'Movements in the whole window.' }),
      warnings: t.field({
        type: [WarningRef],
        description:
          'Caveats about the question, e.g. UNKNOWN_SEGMENT_VALUE for a segment value no customer has.',
        resolve: (c) => [...c.warnings],
      }),
      definitions: t.field({
        type: DefinitionsRef,
        description:
          'The definitions that produced the movements (the tenant’s settings or the query’s override).',
        resolve: (c) => c.definitions,
      }),
    }),
  });

const MovementsInput = builder.inputType('MovementsInput', {
  description: 'Which movements to list.',
  fields: (t) => ({
    ...windowFields(t),
    types: t.field({
      type: [MovementTypeEnum],
      required: false,
      description: 'Keep only these kinds; default all.',
    }),
    segment: segmentField(t),
    currency: currencyField(t),
    definitions: definitionsField(t),
  }),
});

builder.queryField('movements', (t) =>
  t.field({
    type: MovementConnectionRef,
    description: 'Per-customer movements of a window: new, expansion, contraction, churn, reactivation.',
    args: {
      input: t.arg({ type: MovementsInput, required: true }),
      first: t.arg.int({ required: false, description: 'Page size, 1–500; default 50.' }),
      after: t.arg.string({
        required: false,
        description:
          '`endCursor` of the previous page: refused after a new import, or under other definitions.',
      }),
    },
    resolve: async (_root, { input, first, after }, context) => {
      const size = checkedPageSize(first);
      const version = context.tenant.dataVersion;
      const window = await coreWindow(context, input);
      // A cursor belongs to its definition set too: another set orders other movements.
      const scope = definitionsKey(window.definitions);
      const start = decodeOffsetCursor(after, version, { key: scope, what: 'other definitions' });
      const kinds = input.types ? [...input.types] : undefined;
      const key = questionKey('movements', window, { kinds });
      await chargeWork(context, 'movements', key, 1);
      const movements = await context.analytics.run(
        key,
        { kind: 'movements', window: engineWindow(window), ...(kinds ? { kinds } : {}) },
        window.definitions,
      );
      const currency = window.rates.reportingCurrency;
      const page = movements.slice(start, start + size);
      const edges = page.map((movement, index) => ({
        node: { movement, currency },
        cursor: encodeOffsetCursor(version, start + index, scope),
      }));
      return {
        edges,
        pageInfo: { hasNextPage: start + size < movements.length, endCursor: edges.at(-1)?.cursor ?? null },
        totalCount: movements.length,
        warnings: window.warnings,
        definitions: window.definitions,
      };
    },
  }),
);
