/**
 * A tenant's webhook endpoints, their delivery log and manual redelivery, each in a tenant
 * transaction (row-level security applies). Used by the GraphQL fields and `nrr webhooks`.
 */
import { randomBytes } from 'node:crypto';
import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../db/connect.ts';
import { tenants, webhookAttempts, webhookDeliveries, webhookEndpoints } from '../db/schema.ts';
import { resultRows, withTenant } from '../db/tenant-scope.ts';
import { ApiError } from '../errors.ts';
import { ensureMovementBaseline, WEBHOOK_EVENT_TYPES, type WebhookEventType } from './outbox.ts';
import { newSigningSecret } from './signing.ts';
import { checkWebhookUrl, type UrlPolicy } from './url-policy.ts';

/** Endpoints a tenant may have at once. */
export const MAX_ENDPOINTS = 20;

/** An endpoint as listed (never with its secret). */
export interface WebhookEndpoint {
  readonly endpointId: string;
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly createdAt: Date;
  readonly disabledAt: Date | null;
}

/** One attempt of the delivery log. */
export interface WebhookAttempt {
  readonly attemptId: string;
  readonly endpointId: string;
  readonly messageId: string;
  readonly attempt: number;
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly statusCode: number | null;
  readonly error: string | null;
  /** `delivered`, `retrying` or `failed`. */
  readonly outcome: string;
  readonly nextAttemptAt: Date | null;
}

/** The event types given, checked and without repeats; default every type. */
export function checkedEventTypes(
  types: readonly string[] | undefined,
  field = 'eventTypes',
): WebhookEventType[] {
  if (types === undefined) return [...WEBHOOK_EVENT_TYPES];
  if (types.length === 0) {
    throw new ApiError('BAD_USER_INPUT', `${field}: give at least one of ${WEBHOOK_EVENT_TYPES.join(', ')}`, {
      field,
    });
  }
  for (const type of types) {
    if (!(WEBHOOK_EVENT_TYPES as readonly string[]).includes(type)) {
      throw new ApiError(
        'BAD_USER_INPUT',
        `${field}: unknown event type ${JSON.stringify(type)}, expected one of ${WEBHOOK_EVENT_TYPES.join(', ')}`,
        { field },
      );
    }
  }
  return [...new Set(types)] as WebhookEventType[];
}

/**
 * Registers an endpoint; returns it with its signing secret, which is never shown again. The
 * URL is checked against `policy` (`BAD_USER_INPUT` naming why). The tenant's first endpoint
 * starts its movement ledger: movements that exist now are history and are not sent.
 */
export async function createWebhookEndpoint(
  db: Db,
  tenantId: string,
  input: { readonly url: string; readonly eventTypes?: readonly string[] },
  policy: UrlPolicy,
): Promise<WebhookEndpoint & { readonly secret: string }> {
  const eventTypes = checkedEventTypes(input.eventTypes);
  const { url } = await checkWebhookUrl(input.url, policy);
  const endpointId = `we_${randomBytes(8).toString('hex')}`;
  const secret = newSigningSecret();
  return withTenant(db, tenantId, async (tx) => {
    // Locked as imports lock it: the ledger's baseline sees no import half-done.
    await tx
      .select({ tenantId: tenants.tenantId })
      .from(tenants)
      .where(eq(tenants.tenantId, tenantId))
      .for('update');
    const [count] = resultRows<{ endpoints: number }>(
      await tx.execute(
        sql`select count(*)::int as endpoints from webhook_endpoints where tenant_id = ${tenantId}`,
      ),
    );
    if ((count?.endpoints ?? 0) >= MAX_ENDPOINTS) {
      throw new ApiError(
        'BAD_USER_INPUT',
        `tenant ${tenantId} already has ${MAX_ENDPOINTS} webhook endpoints, the most allowed`,
      );
    }
    await ensureMovementBaseline(tx, tenantId);
    const [row] = await tx
      .insert(webhookEndpoints)
      .values({ tenantId, endpointId, url: url.toString(), eventTypes, secret })
      .returning();
    if (!row) throw new Error(`endpoint ${endpointId} was not stored`);
    return { ...endpointOf(row), secret };
  });
}

function endpointOf(row: typeof webhookEndpoints.$inferSelect): WebhookEndpoint {
  return {
    endpointId: row.endpointId,
    url: row.url,
    eventTypes: row.eventTypes,
    createdAt: row.createdAt,
    disabledAt: row.disabledAt,
  };
}

/** The tenant's endpoints, oldest first. */
export async function listWebhookEndpoints(db: Db, tenantId: string): Promise<WebhookEndpoint[]> {
  const rows = await withTenant(
    db,
    tenantId,
    (tx) =>
      tx
        .select()
        .from(webhookEndpoints)
        .where(eq(webhookEndpoints.tenantId, tenantId))
        .orderBy(webhookEndpoints.createdAt, webhookEndpoints.endpointId),
    { readOnly: true },
  );
  return rows.map(endpointOf);
}

/** Deletes an endpoint with its pending deliveries and its log; `NOT_FOUND` when the tenant has no such endpoint. */
export async function deleteWebhookEndpoint(db: Db, tenantId: string, endpointId: string): Promise<void> {
  const deleted = await withTenant(db, tenantId, (tx) =>
    tx
      .delete(webhookEndpoints)
      .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.endpointId, endpointId)))
      .returning({ endpointId: webhookEndpoints.endpointId }),
  );
  if (deleted.length === 0) throw notFound(tenantId, endpointId);
}

/**
 * Disables an endpoint (it gets no new messages; deliveries already queued wait) or enables it
 * again (they are sent). `NOT_FOUND` when the tenant has no such endpoint.
 */
export async function setWebhookEndpointDisabled(
  db: Db,
  tenantId: string,
  endpointId: string,
  disabled: boolean,
): Promise<WebhookEndpoint> {
  const [row] = await withTenant(db, tenantId, (tx) =>
    tx
      .update(webhookEndpoints)
      .set({ disabledAt: disabled ? sql`coalesce(${webhookEndpoints.disabledAt}, now())` : null })
      .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.endpointId, endpointId)))
      .returning(),
  );
  if (!row) throw notFound(tenantId, endpointId);
  return endpointOf(row);
}

function notFound(tenantId: string, endpointId: string): ApiError {
  return new ApiError(
    'NOT_FOUND',
    `tenant ${tenantId} has no webhook endpoint ${JSON.stringify(endpointId)}`,
    {
      field: 'endpointId',
    },
  );
}

/** A position in the delivery log: the last attempt seen. */
function encodeAttemptCursor(attempt: WebhookAttempt): string {
  return Buffer.from(`${attempt.startedAt.getTime()}:${attempt.attemptId}`).toString('base64url');
}

function decodeAttemptCursor(cursor: string): { startedAt: Date; attemptId: string } {
  const match = /^(\d+):(wa_[0-9a-f]+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match)
    throw new ApiError('BAD_USER_INPUT', 'after: not a cursor of webhookDeliveries', { field: 'after' });
  return { startedAt: new Date(Number(match[1])), attemptId: match[2] as string };
}

/**
 * One page of an endpoint's delivery log, newest attempt first: `first` attempts (1–100) after
 * the cursor `after`. `NOT_FOUND` when the tenant has no such endpoint.
 */
export async function listWebhookAttempts(
  db: Db,
  tenantId: string,
  endpointId: string,
  page: { readonly first: number; readonly after?: string | undefined },
): Promise<{
  attempts: WebhookAttempt[];
  hasNextPage: boolean;
  cursorOf: (attempt: WebhookAttempt) => string;
}> {
  if (!Number.isInteger(page.first) || page.first < 1 || page.first > 100) {
    throw new ApiError('BAD_USER_INPUT', `first: got ${page.first}, expected 1 to 100`, { field: 'first' });
  }
  const after = page.after ? decodeAttemptCursor(page.after) : undefined;
  return withTenant(
    db,
    tenantId,
    async (tx) => {
      const [endpoint] = await tx
        .select({ endpointId: webhookEndpoints.endpointId })
        .from(webhookEndpoints)
        .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.endpointId, endpointId)));
      if (!endpoint) throw notFound(tenantId, endpointId);
      const rows = await tx
        .select()
        .from(webhookAttempts)
        .where(
          and(
            eq(webhookAttempts.tenantId, tenantId),
            eq(webhookAttempts.endpointId, endpointId),
            after
              ? or(
                  lt(webhookAttempts.startedAt, after.startedAt),
                  and(
                    eq(webhookAttempts.startedAt, after.startedAt),
                    lt(webhookAttempts.attemptId, after.attemptId),
                  ),
                )
              : undefined,
          ),
        )
        .orderBy(desc(webhookAttempts.startedAt), desc(webhookAttempts.attemptId))
        .limit(page.first + 1);
      return {
        attempts: rows.slice(0, page.first),
        hasNextPage: rows.length > page.first,
        cursorOf: encodeAttemptCursor,
      };
    },
    { readOnly: true },
  );
}

/**
 * Sends a message again: its delivery to `endpointId` (or, without one, to every endpoint that
 * had it) is due at once, with a fresh retry period, whatever its state. Identified by the
 * message id or by an attempt id of the log (`wa_…`). Returns the deliveries rescheduled;
 * `NOT_FOUND` when there is none.
 */
export async function redeliverWebhook(
  db: Db,
  tenantId: string,
  target: { readonly messageId?: string; readonly attemptId?: string; readonly endpointId?: string },
): Promise<{ endpointId: string; messageId: string }[]> {
  return withTenant(db, tenantId, async (tx) => {
    let messageId = target.messageId;
    let endpointId = target.endpointId;
    if (target.attemptId !== undefined) {
      const [attempt] = await tx
        .select()
        .from(webhookAttempts)
        .where(and(eq(webhookAttempts.tenantId, tenantId), eq(webhookAttempts.attemptId, target.attemptId)));
      if (!attempt) {
        throw new ApiError(
          'NOT_FOUND',
          `tenant ${tenantId} has no delivery attempt ${JSON.stringify(target.attemptId)}`,
          {
            field: 'deliveryId',
          },
        );
      }
      messageId = attempt.messageId;
      endpointId = attempt.endpointId;
    }
    if (messageId === undefined) {
      throw new ApiError('BAD_USER_INPUT', 'give messageId or deliveryId', { field: 'messageId' });
    }
    const rows = await tx
      .update(webhookDeliveries)
      .set({ status: 'pending', nextAttemptAt: sql`now()`, retryUntil: null, leaseUntil: null })
      .where(
        and(
          eq(webhookDeliveries.tenantId, tenantId),
          eq(webhookDeliveries.messageId, messageId),
          endpointId === undefined ? undefined : eq(webhookDeliveries.endpointId, endpointId),
        ),
      )
      .returning({ endpointId: webhookDeliveries.endpointId, messageId: webhookDeliveries.messageId });
    if (rows.length === 0) {
      throw new ApiError(
        'NOT_FOUND',
        `tenant ${tenantId} has no delivery of message ${JSON.stringify(messageId)}${endpointId ? ` to ${endpointId}` : ''}`,
        { field: 'messageId' },
      );
    }
    return rows;
  });
}
