/**
 * The statements and row encoding shared by the span writer's COPY and upserts: the targets of
 * both COPY statements, the conflict clause, the join that finds what changed, and the probes
 * the writer makes before its first span.
 */
import type { MrrSpan } from '@nrr/core';
import { type BinaryCopyWriter, textBytes } from '../binary-copy.ts';
import type { CopyClient } from '../copy-client.ts';

/** The target of a direct write: every column of `mrr_spans`, the tenant's id first, the import's last. */
export const SPANS_TARGET = `mrr_spans (tenant_id, customer_id, subscription_id, start_at, end_at, mrr, currency,
  canceled_at, attributes_id, import_id)`;

/** The target of the staging copy. */
export const STAGING_TARGET = `import_spans (seq, customer_id, subscription_id, start_at, end_at, mrr, currency,
  canceled_at, attributes_id)`;

/**
 * The conflict clause of every span write: the identity stays, the content is replaced, and only
 * when some content column differs (`is distinct from` treats nulls as values; jsonb and numeric
 * compare by value, so trailing zeros do not count as changes; equal attribute sets have one
 * number, whatever their key order).
 */
export const SPAN_UPSERT_TEXT = `on conflict (tenant_id, customer_id, subscription_id, start_at) do update set
  end_at = excluded.end_at, mrr = excluded.mrr, currency = excluded.currency,
  canceled_at = excluded.canceled_at, attributes_id = excluded.attributes_id, import_id = excluded.import_id
  where (mrr_spans.end_at, mrr_spans.mrr, mrr_spans.currency, mrr_spans.canceled_at, mrr_spans.attributes_id)
    is distinct from (excluded.end_at, excluded.mrr, excluded.currency, excluded.canceled_at, excluded.attributes_id)`;

/**
 * The staged spans (`staged`) not already stored as they are: new identities and changed content.
 * One join with the tenant's spans (hashed, or probed by key for a few staged spans) rather than
 * an attempted insert per span, so an import that mostly repeats what is stored writes and locks
 * only what differs. Imports of a tenant are serialised by its row lock, so nothing changes the
 * tenant's spans between this join and the upsert that takes its result.
 */
export const CHANGED_SPANS = `select s.* from staged s
  where not exists (select 1 from mrr_spans m
    where m.tenant_id = $1 and m.customer_id = s.customer_id and m.subscription_id = s.subscription_id
      and m.start_at = s.start_at
      and (m.end_at, m.mrr, m.currency, m.canceled_at, m.attributes_id)
        is not distinct from (s.end_at, s.mrr, s.currency, s.canceled_at, s.attributes_id))`;

/**
 * A few spans written in one statement, without a staging table: their columns as arrays (`$3`…
 * `$10`: customer, subscription, start, end, MRR in units of 1/10,000, currency, cancellation,
 * attribute set; `$1` the tenant, `$2` the import), the last of spans sharing an identity kept,
 * only new or changed ones upserted ({@link CHANGED_SPANS}, {@link SPAN_UPSERT_TEXT}). Returns one
 * row: spans given (`staged`, after repeats), spans written, the customers written, and whether
 * the tenant had no span before the statement (`first`: every statement of it sees the same
 * snapshot, from before its insert).
 */
export const FEW_SPANS_UPSERT = `with staged as (
    select distinct on (customer_id, subscription_id, start_at) customer_id, subscription_id, start_at,
      end_at, mrr, currency, canceled_at, attributes_id
    from (select u.customer_id collate "C" as customer_id, u.subscription_id collate "C" as subscription_id,
        u.start_at, u.end_at, (u.mrr_units / 10000)::numeric(20, 4) as mrr, u.currency, u.canceled_at,
        u.attributes_id, u.seq
      from unnest($3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::numeric[], $8::text[],
        $9::timestamptz[], $10::integer[]) with ordinality
        as u(customer_id, subscription_id, start_at, end_at, mrr_units, currency, canceled_at, attributes_id, seq)) given
    order by customer_id, subscription_id, start_at, seq desc),
  changed as (${CHANGED_SPANS}),
  written as (insert into mrr_spans (tenant_id, customer_id, subscription_id, start_at, end_at, mrr, currency,
      canceled_at, attributes_id, import_id)
    select $1, customer_id, subscription_id, start_at, end_at, mrr, currency, canceled_at, attributes_id, $2
    from changed ${SPAN_UPSERT_TEXT} returning customer_id)
  select (select count(*) from staged) as staged, (select count(*) from written) as written,
    (select array_agg(distinct customer_id) from written) as customers,
    not exists (select 1 from mrr_spans where tenant_id = $1) as first`;

/** The distinct customers of the staged spans. */
export async function stagedCustomers(client: CopyClient): Promise<string[]> {
  const rows = await client.query<{ customer_id: string }>('select distinct customer_id from import_spans');
  return rows.map((row) => row.customer_id);
}

/** Whether the tenant has any stored span (one index probe). */
export async function tenantHasSpans(client: CopyClient, tenantId: string): Promise<boolean> {
  const rows = await client.query('select 1 from mrr_spans where tenant_id = $1 limit 1', [tenantId]);
  return rows.length > 0;
}

/**
 * Whether the session's own role may COPY into `mrr_spans`: Postgres refuses `COPY FROM` where
 * row-level security applies, so the role must bypass it (a superuser, a role with BYPASSRLS, or
 * the table's owner while security is not forced on it) and may insert.
 */
export async function mayCopyIntoSpans(client: CopyClient): Promise<boolean> {
  const [row] = await client.query<{ allowed: boolean }>(
    `select has_table_privilege(session_user, c.oid, 'INSERT')
        and (r.rolsuper or r.rolbypassrls
          or (pg_has_role(session_user, c.relowner, 'USAGE') and not c.relforcerowsecurity)) as allowed
      from pg_class c join pg_roles r on r.rolname = session_user
      where c.oid = 'mrr_spans'::regclass`,
  );
  return row?.allowed === true;
}

/**
 * A span's columns from customer to attribute set, in the order both COPY statements list them
 * ({@link SPANS_TARGET} between the tenant and the import, {@link STAGING_TARGET} after `seq`).
 */
export function writeSpanColumns(writer: BinaryCopyWriter, span: MrrSpan, attributesId: number): void {
  writer.text(span.customerId);
  writer.text(span.subscriptionId);
  writer.timestamp(span.start);
  if (span.end === null) writer.null();
  else writer.timestamp(span.end);
  writer.decimal4(span.mrr);
  writer.bytes(currencyBytes(span.currency));
  if (span.canceledAt === undefined) writer.null();
  else writer.timestamp(span.canceledAt);
  writer.int4(attributesId);
}

/** Binary `text` values of currencies (few). */
const currencyCache = new Map<string, Buffer>();

function currencyBytes(currency: string): Buffer {
  let bytes = currencyCache.get(currency);
  if (bytes === undefined) {
    if (currencyCache.size >= 1000) currencyCache.clear();
    bytes = textBytes(currency);
    currencyCache.set(currency, bytes);
  }
  return bytes;
}
