/**
 * Outbound webhooks: `createWebhookEndpoint`, `webhookEndpoints`, `deleteWebhookEndpoint`,
 * `webhookDeliveries` (the delivery log) and `redeliverWebhook`. Every field needs a secret key
 * with the read_write scope: endpoints carry tenant data off the server.
 */
import { requireSecretKey } from '../auth/principal.ts';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listWebhookAttempts,
  listWebhookEndpoints,
  redeliverWebhook,
  type WebhookAttempt,
  type WebhookEndpoint,
} from '../webhooks/endpoints.ts';
import { WEBHOOK_EVENT_TYPES } from '../webhooks/outbox.ts';
import { builder } from './builder.ts';
import { PageInfoRef } from './connection.ts';

const WebhookEndpointRef = builder.objectRef<WebhookEndpoint>('WebhookEndpoint').implement({
  description: 'Where the tenant’s events are POSTed, signed per Standard Webhooks.',
  fields: (t) => ({
    id: t.exposeID('endpointId', { description: 'Endpoint id (`we_…`).' }),
    url: t.exposeString('url', { description: 'The http(s) URL events are POSTed to.' }),
    eventTypes: t.stringList({
      description: `Event types delivered: ${WEBHOOK_EVENT_TYPES.join(', ')}.`,
      resolve: (endpoint) => [...endpoint.eventTypes],
    }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When it was created.',
      resolve: (e) => e.createdAt.getTime(),
    }),
    disabledAt: t.field({
      type: 'DateTime',
      nullable: true,
      description:
        'When it was disabled (`nrr webhooks disable`): it gets no new messages and queued ones wait; null while active.',
      resolve: (e) => e.disabledAt?.getTime() ?? null,
    }),
  }),
});

const CreatedWebhookEndpointRef = builder
  .objectRef<WebhookEndpoint & { secret: string }>('CreatedWebhookEndpoint')
  .implement({
    description: 'A new endpoint and its signing secret, shown this once.',
    fields: (t) => ({
      endpoint: t.field({
        type: WebhookEndpointRef,
        description: 'The endpoint.',
        resolve: (created) => created,
      }),
      secret: t.exposeString('secret', {
        description:
          'Signing secret (`whsec_` + base64): verify `webhook-signature` with it. Not retrievable later.',
      }),
    }),
  });

const WebhookOutcomeEnum = builder.enumType('WebhookDeliveryOutcome', {
  description: 'How an attempt ended.',
  values: {
    DELIVERED: { value: 'delivered', description: 'The endpoint answered 2xx.' },
    RETRYING: {
      value: 'retrying',
      description: 'It did not; another attempt is scheduled (`nextAttemptAt`).',
    },
    FAILED: { value: 'failed', description: 'It did not, and the retry period is over (redeliver by hand).' },
  } as const,
});

const WebhookDeliveryRef = builder.objectRef<WebhookAttempt>('WebhookDelivery').implement({
  description: 'One delivery attempt of a message to an endpoint.',
  fields: (t) => ({
    id: t.exposeID('attemptId', { description: 'Attempt id (`wa_…`); pass to `redeliverWebhook`.' }),
    endpointId: t.exposeID('endpointId', { description: 'The endpoint.' }),
    messageId: t.exposeID('messageId', { description: 'The message (`webhook-id` header).' }),
    attempt: t.exposeInt('attempt', {
      description:
        'Which attempt of this message to this endpoint: 1 for the first. Counted when claimed, so one lost with a killed process counts too.',
    }),
    startedAt: t.field({
      type: 'DateTime',
      description: 'When it was sent.',
      resolve: (a) => a.startedAt.getTime(),
    }),
    durationMs: t.exposeInt('durationMs', { description: 'Milliseconds until the answer or the failure.' }),
    statusCode: t.exposeInt('statusCode', {
      nullable: true,
      description: 'HTTP status answered; null when none (refused, timed out, address not allowed).',
    }),
    error: t.exposeString('error', { nullable: true, description: 'Why it did not count as delivered.' }),
    outcome: t.field({
      type: WebhookOutcomeEnum,
      description: 'How it ended.',
      resolve: (a) => a.outcome as 'delivered',
    }),
    nextAttemptAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the next attempt is due (RETRYING only).',
      resolve: (a) => a.nextAttemptAt?.getTime() ?? null,
    }),
  }),
});

const WebhookDeliveryEdgeRef = builder
  .objectRef<{ node: WebhookAttempt; cursor: string }>('WebhookDeliveryEdge')
  .implement({
    description: 'An attempt and its cursor.',
    fields: (t) => ({
      cursor: t.exposeString('cursor', { description: 'Opaque position.' }),
      node: t.field({ type: WebhookDeliveryRef, description: 'The attempt.', resolve: (edge) => edge.node }),
    }),
  });

const WebhookDeliveryConnectionRef = builder
  .objectRef<{
    edges: { node: WebhookAttempt; cursor: string }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  }>('WebhookDeliveryConnection')
  .implement({
    description: 'A page of the delivery log, newest attempt first.',
    fields: (t) => ({
      edges: t.field({ type: [WebhookDeliveryEdgeRef], description: 'This page.', resolve: (c) => c.edges }),
      pageInfo: t.field({ type: PageInfoRef, description: 'Paging.', resolve: (c) => c.pageInfo }),
    }),
  });

builder.mutationField('createWebhookEndpoint', (t) =>
  t.field({
    type: CreatedWebhookEndpointRef,
    description:
      'Register an endpoint for the tenant’s events (default every type). Only http(s) URLs whose host resolves to public addresses, unless the operator allows private ones. Movements that exist when the tenant’s first endpoint is created are not sent. Needs a read_write secret key.',
    args: {
      url: t.arg.string({ required: true, description: 'http(s) URL to POST to.' }),
      eventTypes: t.arg.stringList({
        required: false,
        description: `Event types to deliver, of ${WEBHOOK_EVENT_TYPES.join(', ')}; default all.`,
      }),
    },
    resolve: async (_root, { url, eventTypes }, context) => {
      requireSecretKey(context.principal, 'createWebhookEndpoint', true);
      return createWebhookEndpoint(
        context.db,
        context.tenant.tenantId,
        { url, ...(eventTypes ? { eventTypes } : {}) },
        context.webhookPolicy,
      );
    },
  }),
);

builder.queryField('webhookEndpoints', (t) =>
  t.field({
    type: [WebhookEndpointRef],
    description:
      'The tenant’s webhook endpoints, oldest first (never their secrets). Needs a read_write secret key.',
    resolve: async (_root, _args, context) => {
      requireSecretKey(context.principal, 'webhookEndpoints', true);
      return listWebhookEndpoints(context.db, context.tenant.tenantId);
    },
  }),
);

builder.mutationField('deleteWebhookEndpoint', (t) =>
  t.field({
    type: 'ID',
    description:
      'Delete an endpoint, its pending deliveries and its log; returns its id. NOT_FOUND when the tenant has no such endpoint. Needs a read_write secret key.',
    args: { id: t.arg.id({ required: true, description: 'Endpoint id.' }) },
    resolve: async (_root, { id }, context) => {
      requireSecretKey(context.principal, 'deleteWebhookEndpoint', true);
      await deleteWebhookEndpoint(context.db, context.tenant.tenantId, String(id));
      return String(id);
    },
  }),
);

builder.queryField('webhookDeliveries', (t) =>
  t.field({
    type: WebhookDeliveryConnectionRef,
    description: 'The delivery log of an endpoint, newest attempt first. Needs a read_write secret key.',
    args: {
      endpointId: t.arg.id({ required: true, description: 'Endpoint id.' }),
      first: t.arg.int({ required: false, description: 'Page size, 1–100; default 20.' }),
      after: t.arg.string({ required: false, description: '`endCursor` of the previous page.' }),
    },
    resolve: async (_root, { endpointId, first, after }, context) => {
      requireSecretKey(context.principal, 'webhookDeliveries', true);
      const page = await listWebhookAttempts(context.db, context.tenant.tenantId, String(endpointId), {
        first: first ?? 20,
        after: after ?? undefined,
      });
      const edges = page.attempts.map((node) => ({ node, cursor: page.cursorOf(node) }));
      return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
    },
  }),
);

builder.mutationField('redeliverWebhook', (t) =>
  t.field({
    type: 'Int',
    description:
      'Send a message again now, with a fresh retry period: by `deliveryId` (an attempt of the log: that endpoint), or by `messageId` (to `endpointId`, or to every endpoint that had it). Returns the deliveries rescheduled. Needs a read_write secret key.',
    args: {
      messageId: t.arg.id({ required: false, description: 'Message id (`webhook-id`).' }),
      deliveryId: t.arg.id({ required: false, description: 'Attempt id (`wa_…`) from `webhookDeliveries`.' }),
      endpointId: t.arg.id({ required: false, description: 'With `messageId`: only this endpoint.' }),
    },
    resolve: async (_root, { messageId, deliveryId, endpointId }, context) => {
      requireSecretKey(context.principal, 'redeliverWebhook', true);
      const rescheduled = await redeliverWebhook(context.db, context.tenant.tenantId, {
        ...(messageId ? { messageId: String(messageId) } : {}),
        ...(deliveryId ? { attemptId: String(deliveryId) } : {}),
        ...(endpointId ? { endpointId: String(endpointId) } : {}),
      });
      return rescheduled.length;
    },
  }),
);
