/**
 * Reading a tenant's stored spans (`mrr_spans`) back into core's form. Spans are the only stored
 * form of a tenant's revenue: the API builds its timeline from them when it loads the tenant.
 */
import { type MrrSpan, parseMoney } from '@nrr/core';
import { and, eq, sql } from 'drizzle-orm';
import { copyConnection } from '../copy.ts';
import { mrrSpans } from '../schema.ts';
import { resultRows, type Tx } from '../tenant-scope.ts';
import { readAttributeSets } from './attribute-sets.ts';

/** Reads a stored span row back into core's form. */
function spanFromRow(
  row: typeof mrrSpans.$inferSelect,
  sets: ReadonlyMap<number, Readonly<Record<string, string>> | undefined>,
): MrrSpan {
  const attributes = sets.get(row.attributesId);
  const mrr = parseMoney(row.mrr);
  if (mrr === undefined) throw new Error(`stored mrr ${row.mrr} is not a decimal`);
  const span: MrrSpan = {
    customerId: row.customerId,
    subscriptionId: row.subscriptionId,
    start: row.startAt.getTime(),
    end: row.endAt === null ? null : row.endAt.getTime(),
    mrr,
    currency: row.currency,
    ...(row.canceledAt ? { canceledAt: row.canceledAt.getTime() } : {}),
    ...(attributes === undefined ? {} : { attributes }),
  };
  return span;
}

/** Orders spans by customer, subscription (UTF-16 code units) and start: the order {@link readTenantSpans} returns. */
export function compareSpans(a: MrrSpan, b: MrrSpan): number {
  if (a.customerId !== b.customerId) return a.customerId < b.customerId ? -1 : 1;
  if (a.subscriptionId !== b.subscriptionId) return a.subscriptionId < b.subscriptionId ? -1 : 1;
  return a.start - b.start;
}

/** A stored span row as {@link readTenantSpans} selects it on Postgres. */
interface SpanRow {
  customer_id: string;
  subscription_id: string;
  start_ms: number;
  end_ms: number | null;
  mrr: string;
  currency: string;
  canceled_ms: number | null;
  attributes_id: number;
}

/**
 * Every stored span of the tenant, ordered by customer, subscription (code units) and start: one
 * order however they were stored, so that spans starting together merge their attributes the
 * same way every time. On Postgres instants come as epoch milliseconds; each attribute set is
 * parsed once and shared by the spans that have it.
 */
export function readTenantSpans(tx: Tx, tenantId: string): Promise<MrrSpan[]> {
  return readSpans(tx, tenantId, undefined);
}

/**
 * The stored spans of the given customers of the tenant, in {@link readTenantSpans}'s order and
 * shape (what a timeline patch rebuilds them from; an unknown customer has none).
 */
export function readCustomerSpans(
  tx: Tx,
  tenantId: string,
  customerIds: readonly string[],
): Promise<MrrSpan[]> {
  if (customerIds.length === 0) return Promise.resolve([]);
  return readSpans(tx, tenantId, customerIds);
}

async function readSpans(
  tx: Tx,
  tenantId: string,
  customerIds: readonly string[] | undefined,
): Promise<MrrSpan[]> {
  const sets = customerIds
    ? await customerAttributeSets(tx, tenantId, customerIds)
    : await readAttributeSets(tx, tenantId);
  const connection = copyConnection(tx);
  let spans: MrrSpan[];
  if (connection) {
    const rows = await connection.unsafe<SpanRow[]>(
      `select customer_id, subscription_id,
        (extract(epoch from start_at) * 1000)::float8 as start_ms, (extract(epoch from end_at) * 1000)::float8 as end_ms,
        mrr::text as mrr, currency, (extract(epoch from canceled_at) * 1000)::float8 as canceled_ms, attributes_id
      from mrr_spans where tenant_id = $1${customerIds ? ' and customer_id = any($2::text[])' : ''}
      order by customer_id, subscription_id, start_at`,
      customerIds ? [tenantId, customerIds as string[]] : [tenantId],
    );
    spans = new Array<MrrSpan>(rows.length);
    // Turns of the event loop while a large tenant's rows become spans, so that the requests the
    // instance serves meanwhile (a webhook delivery's statements) do not wait for all of them.
    let turned = performance.now();
    for (let i = 0; i < rows.length; i++) {
      if ((i & 8191) === 8191 && performance.now() - turned > 20) {
        await new Promise(setImmediate);
        turned = performance.now();
      }
      const row = rows[i] as SpanRow;
      const mrr = parseMoney(row.mrr);
      if (mrr === undefined) throw new Error(`stored mrr ${row.mrr} is not a decimal`);
      // Literal shapes, no spread: spans stay small objects of few shapes, which the engine reads fast.
      const span: MrrSpan = {
        customerId: row.customer_id,
        subscriptionId: row.subscription_id,
        start: row.start_ms,
        end: row.end_ms,
        mrr,
        currency: row.currency,
      };
      if (row.canceled_ms !== null) (span as { canceledAt?: number }).canceledAt = row.canceled_ms;
      const values = sets.get(row.attributes_id);
      if (values !== undefined)
        (span as { attributes?: Readonly<Record<string, string>> }).attributes = values;
      spans[i] = span;
    }
  } else {
    const rows = await tx
      .select()
      .from(mrrSpans)
      .where(
        customerIds
          ? and(
              eq(mrrSpans.tenantId, tenantId),
              sql`${mrrSpans.customerId} = any(${sql.param(customerIds)}::text[])`,
            )
          : eq(mrrSpans.tenantId, tenantId),
      );
    spans = rows.map((row) => spanFromRow(row, sets));
  }
  // The database's order (bytes of UTF-8) and code-unit order differ only past U+E000.
  for (let i = 1; i < spans.length; i++) {
    if (compareSpans(spans[i - 1] as MrrSpan, spans[i] as MrrSpan) > 0) return spans.sort(compareSpans);
  }
  return spans;
}

/** The attribute sets the spans of `customerIds` refer to (not all of a tenant's: a patch reads a few customers). */
async function customerAttributeSets(
  tx: Tx,
  tenantId: string,
  customerIds: readonly string[],
): Promise<Map<number, Readonly<Record<string, string>> | undefined>> {
  const rows = resultRows<{ set_id: number; attributes: string }>(
    await tx.execute(sql`
      select set_id, attributes::text as attributes from span_attribute_sets
      where tenant_id = ${tenantId} and set_id in (
        select attributes_id from mrr_spans
        where tenant_id = ${tenantId} and customer_id = any(${sql.param(customerIds)}::text[]))`),
  );
  const sets = new Map<number, Readonly<Record<string, string>> | undefined>();
  for (const row of rows) {
    const values = JSON.parse(row.attributes) as Record<string, string>;
    sets.set(Number(row.set_id), Object.keys(values).length > 0 ? values : undefined);
  }
  return sets;
}
