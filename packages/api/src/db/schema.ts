/**
 * The storage schema. Every table's primary key starts with `tenant_id`, so every table can be
 * distributed by it (docs/citus.md) and every query is scoped by it (`withTenant` in ./tenant-scope.ts);
 * row-level security policies in the migrations back that up.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/** A customer of this service: one company whose billing data is analysed. */
export const tenants = pgTable(
  'tenants',
  {
    /** Chosen by the operator: 1–64 characters of `[a-z0-9_-]`. */
    tenantId: text('tenant_id').primaryKey(),
    name: text('name').notNull(),
    /** ISO 4217 code every figure is reported in. */
    reportingCurrency: text('reporting_currency').notNull(),
    /**
     * Bumped by every import that changes data. API instances cache timelines keyed by it and read
     * it per request, so a cache never outlives the data it was built from.
     */
    dataVersion: bigint('data_version', { mode: 'number' }).notNull().default(0),
    /** Browser origins allowed to call the API for this tenant (CORS), e.g. `https://app.example.com`. */
    allowedOrigins: text('allowed_origins').array().notNull().default(sql`'{}'::text[]`),
    /**
     * The tenant's definitions (migration 0007): the resolved set `{ preset, grain, … }` of
     * @nrr/core's `ResolvedDefinitions` as last changed by `updateTenantSettings`; `{}` (never
     * changed) is the engine's defaults. Changing it bumps `data_version`.
     */
    definitions: jsonb('definitions').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [check('tenants_id_shape', sql`${t.tenantId} ~ '^[a-z0-9][a-z0-9_-]{0,63}$'`)],
);

/** Secret API keys. Only a SHA-256 hash of the secret is stored; the secret is shown once. */
export const apiKeys = pgTable(
  'api_keys',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.tenantId, { onDelete: 'cascade' }),
    keyId: text('key_id').notNull(),
    name: text('name').notNull(),
    /** `read` or `read_write`. */
    scope: text('scope').notNull(),
    /** Hex SHA-256 of the full secret (`nrr_sk_…`). */
    secretHash: text('secret_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.keyId] }),
    uniqueIndex('api_keys_secret_hash').on(t.secretHash),
    check('api_keys_scope', sql`${t.scope} in ('read', 'read_write')`),
  ],
);

/** One record per import attempt, successful or not: who, when, what, how many, and why not. */
export const imports = pgTable(
  'imports',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.tenantId, { onDelete: 'cascade' }),
    importId: text('import_id').notNull(),
    /** `periods`, `invoice-lines` or `events`. */
    format: text('format').notNull(),
    /** The file's base name, `graphql`, or a generator (records before issue 17: the path as typed; API callers see its base name). */
    source: text('source').notNull(),
    /** `key:<keyId>` or `cli` (records before issue 17: `cli:<os user>`, shown to API callers as `cli`). */
    actor: text('actor').notNull(),
    /** `SUCCEEDED` or `FAILED`. */
    status: text('status').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }).notNull(),
    rowsRead: integer('rows_read').notNull(),
    /** Spans inserted or changed; 0 for a failed import and for a repeated one. */
    rowsStored: integer('rows_stored').notNull(),
    /** Spans already stored with identical content. */
    rowsUnchanged: integer('rows_unchanged').notNull(),
    customersAffected: integer('customers_affected').notNull(),
    errorCount: integer('error_count').notNull(),
    /** The first row errors (`RowError[]` of @nrr/core) or a message, when the import failed. */
    errors: jsonb('errors').notNull().default(sql`'[]'::jsonb`),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.importId] })],
);

/**
 * Normalised MRR spans (`MrrSpan` of @nrr/core): the only stored form of a tenant's revenue (the
 * API builds its timeline from them). A span's identity is its customer, subscription and start:
 * the periods of one subscription never share a start, so a later import of the same period (with
 * an end it did not have, a corrected amount, …) replaces the stored span instead of adding a
 * second one. Everything else is content, compared column by column on import, so importing the
 * same rows twice changes nothing.
 *
 * Migration 0005 (SQL only; drizzle has no column collation): `customer_id` and `subscription_id`
 * compare in the "C" collation (bytes), which keeps the primary key cheap to build; `tenant_id`
 * has no foreign key, whose per-row check cost as much as the insert itself on a large import:
 * imports lock the tenant's row, and a trigger deletes a deleted tenant's spans (and, since
 * migration 0006, its attribute sets).
 */
export const mrrSpans = pgTable(
  'mrr_spans',
  {
    tenantId: text('tenant_id').notNull(),
    customerId: text('customer_id').notNull(),
    subscriptionId: text('subscription_id').notNull(),
    startAt: timestamp('start_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** First instant not served; `null` while the period is open. */
    endAt: timestamp('end_at', { withTimezone: true, mode: 'date' }),
    /** Monthly recurring revenue in currency units, exact to 4 decimal places. */
    mrr: numeric('mrr', { precision: 20, scale: 4 }).notNull(),
    currency: text('currency').notNull(),
    canceledAt: timestamp('canceled_at', { withTimezone: true, mode: 'date' }),
    /** The import that last inserted or changed the span. */
    importId: text('import_id').notNull(),
    /** The span's attributes: a `set_id` of the tenant's {@link spanAttributeSets}. */
    attributesId: integer('attributes_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.customerId, t.subscriptionId, t.startAt] })],
);

/**
 * The distinct attribute sets of a tenant's spans (migration 0006), each stored once and numbered
 * in the tenant: spans refer to their set by `attributes_id`. A set is matched by value (jsonb
 * equality), so each distinct set has one number; numbers are never reused or changed.
 */
export const spanAttributeSets = pgTable(
  'span_attribute_sets',
  {
    tenantId: text('tenant_id').notNull(),
    setId: integer('set_id').notNull(),
    attributes: jsonb('attributes').$type<Record<string, string>>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.setId] }),
    uniqueIndex('span_attribute_sets_value').on(t.tenantId, t.attributes),
  ],
);

/**
 * Subscription events as imported (`SubscriptionEvent` of @nrr/core), kept so that every events
 * import can recompute the spans of the subscriptions it touches from all their events, whichever
 * batch brought them: a later batch holding only a cancellation closes the span an earlier batch
 * opened. An event is identified by its id; a later import of the same id replaces it.
 */
export const subscriptionEvents = pgTable(
  'subscription_events',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.tenantId, { onDelete: 'cascade' }),
    /** The source's event id (e.g. Stripe's `evt_…`). */
    eventId: text('event_id').notNull(),
    customerId: text('customer_id').notNull(),
    subscriptionId: text('subscription_id').notNull(),
    /** When the event's state takes effect. */
    effectiveAt: timestamp('effective_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** The parsed event (`SubscriptionEvent`: instants as epoch ms, amounts as units). */
    event: jsonb('event').notNull(),
    /** The import that last inserted or changed the event. */
    importId: text('import_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.eventId] }),
    index('subscription_events_subscription').on(t.tenantId, t.subscriptionId),
    /** Migration 0008: a customer's subscriptions, whose spans a customer event recomputes. */
    index('subscription_events_customer').on(t.tenantId, t.customerId),
  ],
);

/** Dated exchange rates: from `effective_at`, 1 unit of `currency` is worth `rate` reporting-currency units. */
export const fxRates = pgTable(
  'fx_rates',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.tenantId, { onDelete: 'cascade' }),
    currency: text('currency').notNull(),
    effectiveAt: timestamp('effective_at', { withTimezone: true, mode: 'date' }).notNull(),
    rate: doublePrecision('rate').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.currency, t.effectiveAt] }),
    check('fx_rates_positive', sql`${t.rate} > 0`),
  ],
);

/**
 * Outbound webhook endpoints (migration 0009): where a tenant wants its events POSTed. The signing
 * secret (`whsec_` + base64, Standard Webhooks) is shown once, when the endpoint is created; it is
 * kept as is because every delivery must be signed with it (an HMAC key cannot be stored hashed).
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.tenantId, { onDelete: 'cascade' }),
    /** `we_` + 16 hex digits. */
    endpointId: text('endpoint_id').notNull(),
    /** An http(s) URL, checked against the address policy when created and before every delivery. */
    url: text('url').notNull(),
    /** Event types delivered, e.g. `{mrr.movement}`. */
    eventTypes: text('event_types').array().notNull(),
    /** `whsec_` + base64 of 24 random bytes. */
    secret: text('secret').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** Set when the endpoint stops receiving deliveries (its pending ones wait); `null` = active. */
    disabledAt: timestamp('disabled_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.endpointId] })],
);

/**
 * The outbox: one row per event, written in the transaction of the data change that caused it, so
 * an event is never lost and never sent for a change that rolled back. The id is the
 * `webhook-id` header, the same on every attempt.
 */
export const webhookMessages = pgTable(
  'webhook_messages',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.tenantId, { onDelete: 'cascade' }),
    /** Deterministic for a movement (`mov_…`, see src/webhooks/movement-events.ts). */
    messageId: text('message_id').notNull(),
    /** `mrr.movement` or `mrr.movement.retracted`. */
    eventType: text('event_type').notNull(),
    /** The JSON body as sent: `{ type, timestamp, data }`. */
    payload: jsonb('payload').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.messageId] })],
);

/**
 * One message's way to one endpoint: pending until a 2xx answer (`delivered`) or until its retry
 * period ends (`failed`). A dispatcher claims a due row for `lease_until`; a claim whose process
 * died expires and the row is claimed again (at least once).
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    tenantId: text('tenant_id').notNull(),
    endpointId: text('endpoint_id').notNull(),
    messageId: text('message_id').notNull(),
    /** `pending`, `delivered` or `failed`. */
    status: text('status').notNull().default('pending'),
    /** Attempts made so far. */
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** No retry is scheduled after this instant (the delivery is `failed` instead); set by the first attempt, cleared by a redelivery. */
    retryUntil: timestamp('retry_until', { withTimezone: true, mode: 'date' }),
    /** A dispatcher holds the row until then; `null` = unclaimed. */
    leaseUntil: timestamp('lease_until', { withTimezone: true, mode: 'date' }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.endpointId, t.messageId] }),
    index('webhook_deliveries_due').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    check('webhook_deliveries_status', sql`${t.status} in ('pending', 'delivered', 'failed')`),
  ],
);

/** The delivery log: one row per attempt (what was answered, how long it took, what comes next). */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    tenantId: text('tenant_id').notNull(),
    /** `wa_` + 16 hex digits. */
    attemptId: text('attempt_id').notNull(),
    endpointId: text('endpoint_id').notNull(),
    messageId: text('message_id').notNull(),
    /** 1 for the first attempt of a delivery, counting on across a manual redelivery. */
    attempt: integer('attempt').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
    durationMs: integer('duration_ms').notNull(),
    /** The HTTP status answered; `null` when there was no answer (refused, timeout, blocked address). */
    statusCode: integer('status_code'),
    error: text('error'),
    /** `delivered`, `retrying` or `failed`. */
    outcome: text('outcome').notNull(),
    /** When the next attempt is due (`retrying` only). */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.attemptId] }),
    index('webhook_attempts_endpoint').on(t.tenantId, t.endpointId, t.startedAt),
  ],
);

/**
 * The movements already announced, per customer (the ledger as last seen), so that a data change
 * announces only what it changed. Kept from the tenant's first endpoint on (a baseline row in
 * {@link webhookLedgerBaselines}); movements that existed then are recorded, not sent.
 */
export const webhookMovementLedgers = pgTable(
  'webhook_movement_ledgers',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.tenantId, { onDelete: 'cascade' }),
    customerId: text('customer_id').notNull(),
    /** `AnnouncedMovement[]` (src/webhooks/movement-events.ts). */
    movements: jsonb('movements').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.customerId] })],
);

/** Tenants whose movement ledger is kept (since their first webhook endpoint). */
export const webhookLedgerBaselines = pgTable('webhook_ledger_baselines', {
  tenantId: text('tenant_id')
    .primaryKey()
    .references(() => tenants.tenantId, { onDelete: 'cascade' }),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/**
 * Stripe webhook endpoint secrets (`whsec_…`, migration 0008), several per tenant while one is
 * rotated. Verifying Stripe's HMAC needs the secret itself, so it is stored encrypted
 * (AES-256-GCM, the key from `NRR_SECRETS_KEY` or the data directory's `secrets-key`; see
 * src/stripe/secrets.ts), never hashed; `fingerprint` names it in listings without revealing it.
 */
export const stripeEndpointSecrets = pgTable(
  'stripe_endpoint_secrets',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.tenantId, { onDelete: 'cascade' }),
    /** `fp_` and the first 16 hex digits of the secret's SHA-256. */
    fingerprint: text('fingerprint').notNull(),
    /** `v1.<iv>.<tag>.<ciphertext>` (base64url), the tenant id as associated data. */
    secretEncrypted: text('secret_encrypted').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.fingerprint] })],
);

/**
 * Stripe `customer.created|updated` events as received (`CustomerEvent` of @nrr/core, migration
 * 0008): a customer's attributes (country, metadata) are those of its latest event, merged into
 * the spans of its subscriptions (src/imports/store-customers.ts). Kept by event id, so a
 * redelivery or a late older event changes nothing.
 */
export const customerEvents = pgTable(
  'customer_events',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.tenantId, { onDelete: 'cascade' }),
    eventId: text('event_id').notNull(),
    customerId: text('customer_id').notNull(),
    /** The event's `created`. */
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** `created` or `updated`. */
    kind: text('kind').notNull(),
    attributes: jsonb('attributes').$type<Record<string, string>>().notNull(),
    /** The import that last inserted or changed the event. */
    importId: text('import_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.eventId] }),
    index('customer_events_customer').on(t.tenantId, t.customerId),
    check('customer_events_kind', sql`${t.kind} in ('created', 'updated')`),
  ],
);

/**
 * The change log of tenants' data versions (migration 0010): one row per bump, written in the
 * same transaction, saying which customers' stored spans changed (`null`: anything may have, e.g.
 * a settings change), or that only the exchange rates changed. An API instance holding a
 * tenant's timeline at an older version reads the rows since it and patches just those customers
 * (src/analytics/tenant-analytics.ts); a missing row means "rebuild". Old rows are pruned.
 */
export const dataChanges = pgTable(
  'data_changes',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.tenantId, { onDelete: 'cascade' }),
    /** The data version the change produced. */
    dataVersion: bigint('data_version', { mode: 'number' }).notNull(),
    /** Customers whose stored spans changed; `null`: everything may have changed. */
    customerIds: text('customer_ids').array(),
    /** Only exchange rates changed: every timeline stays, the rates are read again. */
    ratesOnly: boolean('rates_only').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.dataVersion] })],
);
