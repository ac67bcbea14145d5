/**
 * `DefinitionComparison`, its parts, and the `compareDefinitions` query: one retention question
 * under two definition sets, the difference per bridge line, and the customers behind it
 * (../analytics/definition-comparison.ts).
 */
import type { CustomerDefinitionDifference, CustomerUnderDefinitions, MrrBridge } from '@nrr/core';
import { definitionComparison, type PresentedComparison } from '../analytics/definition-comparison.ts';
import { checkedPageSize } from '../internal/query-limits.ts';
import { builder } from './builder.ts';
import { decodeOffsetCursor, encodeOffsetCursor, PageInfoRef } from './connection.ts';
import { CustomerRef, customerNode } from './customers.ts';
import { DefinitionsInputRef } from './definitions.ts';
import { MovementTypeEnum } from './enums.ts';
import { MoneyRef, money } from './money.ts';
import { RetentionReportRef } from './retention-report.ts';
import { currencyField, segmentField, windowFields } from './window-input.ts';

/** Bridge lines in one currency, as the line types resolve them. */
interface BridgeLines {
  readonly lines: MrrBridge;
  readonly currency: string;
}

const LINE_DESCRIPTIONS: Readonly<Record<keyof MrrBridge, string>> = {
  startingMrr: 'Starting MRR.',
  newBusiness: 'New business.',
  reactivation: 'Reactivation.',
  expansion: 'Expansion.',
  contraction: 'Contraction (a loss, counted positive in a bridge).',
  churn: 'Churn (a loss, counted positive in a bridge).',
  endingMrr: 'Ending MRR.',
};

/** An object type with one `Money` field per bridge line. */
function bridgeLinesType(name: string, description: string, line: (text: string) => string) {
  return builder.objectRef<BridgeLines>(name).implement({
    description,
    fields: (t) =>
      Object.fromEntries(
        (Object.keys(LINE_DESCRIPTIONS) as (keyof MrrBridge)[]).map((key) => [
          key,
          t.field({
            type: MoneyRef,
            description: line(LINE_DESCRIPTIONS[key]),
            resolve: ({ lines, currency }) => money(lines[key], currency),
          }),
        ]),
      ) as Record<keyof MrrBridge, ReturnType<typeof t.field>>,
  });
}

export const BridgeDifferenceRef = bridgeLinesType(
  'BridgeDifference',
  'A bridge line by line under definitions b minus under definitions a (negative: b counts less). A comparison’s customers’ differences sum to its own.',
  (text) => `${text} b − a.`,
);

const BridgeShareRef = bridgeLinesType(
  'BridgeShare',
  'One customer’s share of each line of a report’s bridge (0 for a line it does not contribute to).',
  (text) => `${text} This customer’s part.`,
);

const DefinitionMovementRef = builder
  .objectRef<{
    entityId: string;
    kind: CustomerUnderDefinitions['movements'][number]['kind'];
    units: number;
    currency: string;
  }>('DefinitionMovement')
  .implement({
    description:
      'A customer’s (or, at subscription grain, one subscription’s) net movement over the window under one set.',
    fields: (t) => ({
      entityId: t.id({
        description: 'The customer id, or at subscription grain the subscription id.',
        resolve: (m) => m.entityId,
      }),
      type: t.field({ type: MovementTypeEnum, description: 'Kind of movement.', resolve: (m) => m.kind }),
      amount: t.field({
        type: MoneyRef,
        description: 'Size of the movement, positive.',
        resolve: (m) => money(m.units, m.currency),
      }),
    }),
  });

const CustomerShareRef = builder
  .objectRef<{ share: CustomerUnderDefinitions; currency: string }>('CustomerShare')
  .implement({
    description: 'One customer under one definition set: its share of the bridge and its movements.',
    fields: (t) => ({
      bridge: t.field({
        type: BridgeShareRef,
        description: 'Its share of each bridge line (all 0 when the question does not include it).',
        resolve: ({ share, currency }) => ({ lines: share.bridge, currency }),
      }),
      movements: t.field({
        type: [DefinitionMovementRef],
        description:
          'Its movement (none when unchanged); at subscription grain one per changed subscription.',
        resolve: ({ share, currency }) =>
          share.movements.map((m) => ({ entityId: m.entityId, kind: m.kind, units: m.amount, currency })),
      }),
    }),
  });

interface DifferenceNode {
  readonly difference: CustomerDefinitionDifference;
  readonly comparison: PresentedComparison;
}

const DefinitionDifferenceRef = builder.objectRef<DifferenceNode>('DefinitionDifference').implement({
  description: 'A customer whose share of the bridge or movements differ between the two definition sets.',
  fields: (t) => ({
    customerId: t.id({ description: 'The customer.', resolve: ({ difference }) => difference.customerId }),
    customer: t.field({
      type: CustomerRef,
      nullable: true,
      description:
        'The customer, its attributes and history under definitions a; null when outside the caller’s segment now.',
      resolve: ({ difference, comparison }, _args, context) =>
        customerNode(context, difference.customerId, comparison.definitionsA),
    }),
    a: t.field({
      type: CustomerShareRef,
      description: 'Under definitions a.',
      resolve: ({ difference, comparison }) => ({ share: difference.a, currency: comparison.currency }),
    }),
    b: t.field({
      type: CustomerShareRef,
      description: 'Under definitions b.',
      resolve: ({ difference, comparison }) => ({ share: difference.b, currency: comparison.currency }),
    }),
    difference: t.field({
      type: BridgeDifferenceRef,
      description: 'Its share under b minus under a, line by line.',
      resolve: ({ difference, comparison }) => ({
        lines: difference.difference,
        currency: comparison.currency,
      }),
    }),
  }),
});

const DefinitionDifferenceEdgeRef = builder
  .objectRef<{ node: DifferenceNode; cursor: string }>('DefinitionDifferenceEdge')
  .implement({
    description: 'A differing customer and its cursor.',
    fields: (t) => ({
      cursor: t.exposeString('cursor', { description: 'Opaque position.' }),
      node: t.field({ type: DefinitionDifferenceRef, description: 'The customer.', resolve: (e) => e.node }),
    }),
  });

const DefinitionDifferenceConnectionRef = builder
  .objectRef<{
    edges: { node: DifferenceNode; cursor: string }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    totalCount: number;
  }>('DefinitionDifferenceConnection')
  .implement({
    description: 'A page of differing customers, largest change (on any bridge line) first, then by id.',
    fields: (t) => ({
      edges: t.field({
        type: [DefinitionDifferenceEdgeRef],
        description: 'This page.',
        resolve: (c) => c.edges,
      }),
      pageInfo: t.field({ type: PageInfoRef, description: 'Paging.', resolve: (c) => c.pageInfo }),
      totalCount: t.exposeInt('totalCount', { description: 'Differing customers in the whole comparison.' }),
    }),
  });

const DefinitionComparisonRef = builder.objectRef<PresentedComparison>('DefinitionComparison').implement({
  description:
    'One retention question (PERIOD method) under two definition sets: both reports, b − a per bridge line, and the customers whose movements differ. The customers’ differences sum exactly to `difference`.',
  fields: (t) => ({
    a: t.field({
      type: RetentionReportRef,
      description: 'The report under definitions a (its `definitions` say which).',
      resolve: (c) => c.a,
    }),
    b: t.field({
      type: RetentionReportRef,
      description: 'The report under definitions b.',
      resolve: (c) => c.b,
    }),
    difference: t.field({
      type: BridgeDifferenceRef,
      description: 'b − a per bridge line.',
      resolve: (c) => ({ lines: c.difference, currency: c.currency }),
    }),
    nrrDifference: t.float({
      nullable: true,
      description:
        'b’s NRR minus a’s, as a ratio (−0.05: five percentage points lower under b); null when either NRR is null (no starting MRR, or a window after the data).',
      resolve: (c) => c.difference.nrr,
    }),
    grrDifference: t.float({
      nullable: true,
      description: 'b’s GRR minus a’s, as a ratio; null when either GRR is null.',
      resolve: (c) => c.difference.grr,
    }),
    customers: t.field({
      type: DefinitionDifferenceConnectionRef,
      description: 'The customers whose share or movements differ, largest change first.',
      args: {
        first: t.arg.int({ required: false, description: 'Page size, 1–500; default 50.' }),
        after: t.arg.string({
          required: false,
          description:
            '`endCursor` of the previous page: refused after a new import, or for another comparison (other definitions, window, segment or currency).',
        }),
      },
      resolve: (comparison, { first, after }, context) => {
        const size = checkedPageSize(first);
        const version = context.tenant.dataVersion;
        const start = decodeOffsetCursor(after, version, {
          key: comparison.key,
          what: 'other definitions, window, segment or currency',
        });
        const page = comparison.customers.slice(start, start + size);
        const edges = page.map((difference, index) => ({
          node: { difference, comparison },
          cursor: encodeOffsetCursor(version, start + index, comparison.key),
        }));
        return {
          edges,
          pageInfo: {
            hasNextPage: start + size < comparison.customers.length,
            endCursor: edges.at(-1)?.cursor ?? null,
          },
          totalCount: comparison.customers.length,
        };
      },
    }),
  }),
});

const CompareDefinitionsInput = builder.inputType('CompareDefinitionsInput', {
  description:
    'A retention question (PERIOD method) and two definition sets to answer it under, each resolved over the tenant’s settings.',
  fields: (t) => ({
    ...windowFields(t),
    segment: segmentField(t),
    currency: currencyField(t),
    a: t.field({
      type: DefinitionsInputRef,
      required: false,
      description: 'The first set; default the tenant’s settings.',
    }),
    b: t.field({
      type: DefinitionsInputRef,
      required: true,
      description: 'The second set (`{}`: the tenant’s settings).',
    }),
  }),
});

builder.queryField('compareDefinitions', (t) =>
  t.field({
    type: DefinitionComparisonRef,
    description:
      'The definition diff: the same window under definitions a and b, what changes per bridge line and for whom. An embed token with fixed definitions may not compare (FORBIDDEN); a token’s segment lock applies.',
    args: { input: t.arg({ type: CompareDefinitionsInput, required: true }) },
    resolve: (_root, { input }, context) => definitionComparison(context, input),
  }),
);
