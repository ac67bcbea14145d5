/**
 * Filling the outbox, inside the transaction of the data change (a transactional outbox: a
 * message exists if and only if the change committed). After an import changes some customers'
 * spans, their movements are recomputed from all their spans and compared with the movements
 * already announced (`webhook_movement_ledgers`):
 * - a movement not announced before becomes an `mrr.movement` message; if it replaces announced
 *   movements of the same customer at the same instant (a corrected amount), it names them in
 *   `supersedes`;
 * - an announced movement that no longer exists and that nothing replaces at its instant becomes
 *   an `mrr.movement.retracted` message.
 * Message ids are deterministic (`mov_…` from the movement's content, `ret_…` from the retracted
 * movement's id), so the same data never enqueues twice; a movement that comes back after being
 * retracted is announced again under `…_v<data version>`.
 * The ledger is kept from the tenant's first endpoint on: {@link ensureMovementBaseline} records the
 * movements that exist then without sending them.
 */
import {
  createExchangeRates,
  type Definitions,
  type ExchangeRates,
  type MrrSpan,
  parseMoney,
} from '@nrr/core';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { fxRates, mrrSpans, tenants, webhookLedgerBaselines, webhookMovementLedgers } from '../db/schema.ts';
import { readTenantSpans } from '../db/spans/read.ts';
import { resultRows, type Tx } from '../db/tenant-scope.ts';
import { storedDefinitions } from '../tenants.ts';
import { type AnnouncedMovement, movementsByCustomer } from './movement-ledger.ts';

/** Event types an endpoint may subscribe to. */
export const WEBHOOK_EVENT_TYPES = ['mrr.movement', 'mrr.movement.retracted'] as const;
/** One of {@link WEBHOOK_EVENT_TYPES}. */
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Customers per statement when reading spans and writing ledgers. */
const CHUNK = 2_000;

/** A message body (Standard Webhooks' recommended shape). */
export interface WebhookPayload {
  readonly type: WebhookEventType;
  /** When the message was enqueued (ISO 8601). */
  readonly timestamp: string;
  readonly data: Record<string, unknown>;
}

/** Whether the tenant's movement ledger is kept (it has had an endpoint). */
async function hasBaseline(tx: Tx, tenantId: string): Promise<boolean> {
  const [row] = await tx
    .select({ tenantId: webhookLedgerBaselines.tenantId })
    .from(webhookLedgerBaselines)
    .where(eq(webhookLedgerBaselines.tenantId, tenantId));
  return row !== undefined;
}

/** The tenant's settings as stored (for the baseline; a data change passes its own). */
async function loadSettings(tx: Tx, tenantId: string) {
  const [tenant] = await tx
    .select({ definitions: tenants.definitions })
    .from(tenants)
    .where(eq(tenants.tenantId, tenantId));
  return storedDefinitions(tenantId, tenant?.definitions ?? {});
}

async function loadRates(tx: Tx, tenantId: string): Promise<ExchangeRates> {
  const [tenant] = await tx
    .select({ reportingCurrency: tenants.reportingCurrency })
    .from(tenants)
    .where(eq(tenants.tenantId, tenantId));
  const rows = await tx.select().from(fxRates).where(eq(fxRates.tenantId, tenantId));
  return createExchangeRates(
    tenant?.reportingCurrency ?? 'USD',
    rows.map((row) => ({ currency: row.currency, effective: row.effectiveAt.getTime(), rate: row.rate })),
  );
}

/** The stored spans of some customers (attributes are not needed for movements). */
async function spansOf(tx: Tx, tenantId: string, customers: readonly string[]): Promise<MrrSpan[]> {
  const spans: MrrSpan[] = [];
  for (let i = 0; i < customers.length; i += CHUNK) {
    const rows = await tx
      .select()
      .from(mrrSpans)
      .where(
        and(eq(mrrSpans.tenantId, tenantId), inArray(mrrSpans.customerId, customers.slice(i, i + CHUNK))),
      );
    for (const row of rows) {
      const mrr = parseMoney(row.mrr);
      if (mrr === undefined) throw new Error(`stored mrr ${row.mrr} is not a decimal`);
      spans.push({
        customerId: row.customerId,
        subscriptionId: row.subscriptionId,
        start: row.startAt.getTime(),
        end: row.endAt === null ? null : row.endAt.getTime(),
        mrr,
        currency: row.currency,
        ...(row.canceledAt ? { canceledAt: row.canceledAt.getTime() } : {}),
      });
    }
  }
  return spans;
}

async function storedLedgers(
  tx: Tx,
  tenantId: string,
  customers: readonly string[] | 'all',
): Promise<Map<string, AnnouncedMovement[]>> {
  const ledgers = new Map<string, AnnouncedMovement[]>();
  const read = async (filter: ReturnType<typeof and>) => {
    const rows = await tx.select().from(webhookMovementLedgers).where(filter);
    for (const row of rows) ledgers.set(row.customerId, row.movements as AnnouncedMovement[]);
  };
  if (customers === 'all') await read(eq(webhookMovementLedgers.tenantId, tenantId));
  else {
    for (let i = 0; i < customers.length; i += CHUNK) {
      await read(
        and(
          eq(webhookMovementLedgers.tenantId, tenantId),
          inArray(webhookMovementLedgers.customerId, customers.slice(i, i + CHUNK)),
        ),
      );
    }
  }
  return ledgers;
}

async function writeLedgers(
  tx: Tx,
  tenantId: string,
  ledgers: Map<string, AnnouncedMovement[]>,
): Promise<void> {
  const entries = [...ledgers];
  for (let i = 0; i < entries.length; i += CHUNK) {
    const chunk = entries.slice(i, i + CHUNK).map(([customer_id, movements]) => ({ customer_id, movements }));
    await tx.execute(sql`insert into webhook_movement_ledgers (tenant_id, customer_id, movements)
      select ${tenantId}, x.customer_id, x.movements
      from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as x(customer_id text, movements jsonb)
      on conflict (tenant_id, customer_id) do update set movements = excluded.movements`);
  }
}

/**
 * Starts keeping the tenant's movement ledger, if not already: records every current movement as
 * announced (nothing is sent for history). Call with the tenant's row locked (`for update`), as
 * imports lock it, so that no import runs in between.
 */
export async function ensureMovementBaseline(tx: Tx, tenantId: string): Promise<void> {
  if (await hasBaseline(tx, tenantId)) return;
  const spans = await readTenantSpans(tx, tenantId);
  const movements = await movementsByCustomer(
    tenantId,
    spans,
    () => loadRates(tx, tenantId),
    await loadSettings(tx, tenantId),
  );
  await writeLedgers(tx, tenantId, movements);
  await tx.insert(webhookLedgerBaselines).values({ tenantId });
}

/** What {@link enqueueMovementChanges} enqueued. */
export interface EnqueuedMessages {
  readonly movements: number;
  readonly retractions: number;
}

/**
 * Enqueues the movement messages of a data change, in its transaction: `customers` are those whose
 * spans changed (`'all'` when every customer may have: a tenant's first spans). Does nothing for a
 * tenant without a ledger (no endpoint ever). `dataVersion` is the tenant's version after the change;
 * `settings` the tenant's definitions after it (the caller holds the tenant's row).
 */
export async function enqueueMovementChanges(
  tx: Tx,
  tenantId: string,
  customers: ReadonlySet<string> | 'all',
  dataVersion: number,
  settings: Definitions,
): Promise<EnqueuedMessages> {
  if (customers !== 'all' && customers.size === 0) return { movements: 0, retractions: 0 };
  if (!(await hasBaseline(tx, tenantId))) return { movements: 0, retractions: 0 };
  const list = customers === 'all' ? 'all' : [...customers];
  const spans = list === 'all' ? await readTenantSpans(tx, tenantId) : await spansOf(tx, tenantId, list);
  const current = await movementsByCustomer(tenantId, spans, () => loadRates(tx, tenantId), settings);
  const before = await storedLedgers(tx, tenantId, list);
  // A customer changed but left without spans has no movements any more; one that has spans but
  // no result (several currencies, a rate missing) keeps what was announced until its next change.
  const withSpans = new Set(spans.map((span) => span.customerId));
  const gone = (customer: string) => !current.has(customer) && !withSpans.has(customer);
  if (list !== 'all') for (const customer of list) if (gone(customer)) current.set(customer, []);
  for (const customer of before.keys()) if (gone(customer)) current.set(customer, []);
  const timestamp = new Date().toISOString();
  const messages: { id: string; payload: WebhookPayload }[] = [];
  const changed = new Map<string, AnnouncedMovement[]>();
  for (const [customer, now] of current) {
    const old = before.get(customer) ?? [];
    const oldIds = new Set(old.map((movement) => movement.id));
    const nowIds = new Set(now.map((movement) => movement.id));
    const added = now.filter((movement) => !oldIds.has(movement.id));
    const removed = old.filter((movement) => !nowIds.has(movement.id));
    if (added.length === 0 && removed.length === 0) continue;
    changed.set(customer, now);
    const replacedAt = new Set(added.map((movement) => movement.at));
    for (const movement of added) {
      const supersedes = removed.filter((gone) => gone.at === movement.at).map((gone) => gone.id);
      messages.push({
        id: movement.id,
        payload: { type: 'mrr.movement', timestamp, data: { tenantId, ...movement, supersedes } },
      });
    }
    for (const gone of removed) {
      if (replacedAt.has(gone.at)) continue;
      messages.push({
        id: `ret_${gone.id.slice('mov_'.length)}`,
        payload: { type: 'mrr.movement.retracted', timestamp, data: { tenantId, ...gone } },
      });
    }
  }
  await writeLedgers(tx, tenantId, changed);
  await insertMessages(tx, tenantId, messages, dataVersion);
  const retractions = messages.filter((message) => message.payload.type === 'mrr.movement.retracted').length;
  return { movements: messages.length - retractions, retractions };
}

/**
 * Inserts messages and their deliveries to every active endpoint subscribed to their type. An id
 * already used (a movement announced, retracted and now back) is suffixed with the data version.
 */
async function insertMessages(
  tx: Tx,
  tenantId: string,
  messages: readonly { id: string; payload: WebhookPayload }[],
  dataVersion: number,
): Promise<void> {
  for (let i = 0; i < messages.length; i += CHUNK) {
    let chunk = messages.slice(i, i + CHUNK);
    for (const suffix of ['', `_v${dataVersion}`]) {
      if (chunk.length === 0) break;
      const rows = chunk.map((message) => ({
        message_id: `${message.id}${suffix}`,
        event_type: message.payload.type,
        payload: message.payload,
      }));
      const inserted = resultRows<{ message_id: string }>(
        await tx.execute(sql`with inserted as (
            insert into webhook_messages (tenant_id, message_id, event_type, payload)
            select ${tenantId}, x.message_id, x.event_type, x.payload
            from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(message_id text, event_type text, payload jsonb)
            on conflict (tenant_id, message_id) do nothing
            returning message_id, event_type),
          fanned as (
            insert into webhook_deliveries (tenant_id, endpoint_id, message_id)
            select ${tenantId}, e.endpoint_id, i.message_id from inserted i
            join webhook_endpoints e on e.tenant_id = ${tenantId} and e.disabled_at is null
              and i.event_type = any(e.event_types)
            returning 1)
          select message_id from inserted`),
      );
      const done = new Set(inserted.map((row) => row.message_id));
      chunk = chunk.filter((message) => !done.has(`${message.id}${suffix}`));
    }
  }
}
