/** Stored exchange rates of a tenant: from a date on, 1 unit of a currency is worth `rate` reporting-currency units. */
import { CURRENCY_CODE, parseInstant } from '@nrr/core';
import { eq, sql } from 'drizzle-orm';
import { announceChange } from './db/changes.ts';
import type { Db } from './db/connect.ts';
import { recordDataChange } from './db/data-changes.ts';
import { fxRates, tenants } from './db/schema.ts';
import { withTenant } from './db/tenant-scope.ts';
import { ApiError } from './errors.ts';

/**
 * Stores (or replaces) one dated rate and bumps the tenant's data version, since every figure in
 * another currency may change. Throws `BAD_USER_INPUT` naming the bad argument.
 */
export async function setFxRate(
  db: Db,
  input: { tenantId: string; currency: string; rate: number; from: string },
): Promise<void> {
  if (!CURRENCY_CODE.test(input.currency)) {
    throw new ApiError(
      'BAD_USER_INPUT',
      `currency: got ${JSON.stringify(input.currency)}, expected an ISO 4217 code such as EUR`,
    );
  }
  if (!(input.rate > 0) || !Number.isFinite(input.rate)) {
    throw new ApiError('BAD_USER_INPUT', `rate: got ${input.rate}, expected a positive number`);
  }
  const effective = parseInstant(input.from);
  if (effective === undefined) {
    throw new ApiError(
      'BAD_USER_INPUT',
      `from: got ${JSON.stringify(input.from)}, expected an ISO date such as 2024-01-01`,
    );
  }
  await setFxRates(db, input.tenantId, [{ currency: input.currency, effective, rate: input.rate }]);
}

/** Stores several rates in one transaction and bumps the data version once. */
export async function setFxRates(
  db: Db,
  tenantId: string,
  rates: readonly { currency: string; effective: number; rate: number }[],
): Promise<void> {
  await withTenant(db, tenantId, async (tx) => {
    const [tenant] = await tx
      .select({ id: tenants.tenantId })
      .from(tenants)
      .where(eq(tenants.tenantId, tenantId));
    if (!tenant) throw new ApiError('NOT_FOUND', `tenant ${JSON.stringify(tenantId)} does not exist`);
    for (let start = 0; start < rates.length; start += 1000) {
      await tx
        .insert(fxRates)
        .values(
          rates.slice(start, start + 1000).map((rate) => ({
            tenantId,
            currency: rate.currency,
            effectiveAt: new Date(rate.effective),
            rate: rate.rate,
          })),
        )
        .onConflictDoUpdate({
          target: [fxRates.tenantId, fxRates.currency, fxRates.effectiveAt],
          set: { rate: sql`excluded.rate` },
        });
    }
    const updated = await tx
      .update(tenants)
      .set({ dataVersion: sql`${tenants.dataVersion} + 1` })
      .where(eq(tenants.tenantId, tenantId))
      .returning({ dataVersion: tenants.dataVersion });
    const [bumped] = updated;
    if (!bumped) throw new ApiError('NOT_FOUND', `tenant ${JSON.stringify(tenantId)} does not exist`);
    // Timelines stay: instances read the rates again (../db/data-changes.ts).
    await recordDataChange(tx, tenantId, bumped.dataVersion, { ratesOnly: true });
  });
  announceChange(db, { kind: 'tenant', tenantId });
}
