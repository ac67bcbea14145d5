/**
 * `nrr stripe …`: a tenant's Stripe webhook endpoint secrets and its history.
 *   connect --secret whsec_…   stores a secret (encrypted; several during a rotation), prints its fingerprint
 *   connect --remove fp_…      removes one by fingerprint
 *   secrets                    lists them by fingerprint
 *   backfill FILE…             imports saved `GET /v1/events` / `GET /v1/subscriptions` list pages
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { readStripeListPage } from '@nrr/core';
import type { Db } from '../db/connect.ts';
import { ApiError } from '../errors.ts';
import { CLI_ACTOR } from '../imports/import-records.ts';
import { importStripeRecords, type StripeRecordSource } from '../imports/stripe-import.ts';
import { addStripeSecret, listStripeSecrets, removeStripeSecret } from '../stripe/secrets.ts';

/** Runs `nrr stripe <sub> …`; returns the exit code, or `undefined` for a usage error. */
export async function stripeCommand(
  db: Db,
  secretsKey: Buffer | undefined,
  tenantId: string,
  sub: string | undefined,
  rest: readonly string[],
  values: { readonly secret?: string | undefined; readonly remove?: string | undefined },
  out: (line: string) => void,
): Promise<number | undefined> {
  const requireKey = () => {
    if (secretsKey === undefined) {
      throw new ApiError(
        'BAD_USER_INPUT',
        'no secrets key: set NRR_SECRETS_KEY (32 bytes, e.g. `openssl rand -base64 32`; the same on every API instance)',
      );
    }
    return secretsKey;
  };
  const fingerprints = async () => {
    const stored = await listStripeSecrets(db, tenantId);
    return stored.length === 0 ? 'none' : stored.map((entry) => entry.fingerprint).join(', ');
  };
  switch (sub) {
    case 'connect': {
      if (rest.length > 0 || (values.secret === undefined) === (values.remove === undefined))
        return undefined;
      if (values.remove !== undefined) {
        await removeStripeSecret(db, tenantId, values.remove);
        out(`removed Stripe secret ${values.remove} of ${tenantId}; secrets left: ${await fingerprints()}`);
        return 0;
      }
      const stored = await addStripeSecret(db, requireKey(), tenantId, values.secret as string);
      out(
        `${stored.added ? 'stored' : 'already stored:'} Stripe secret ${stored.fingerprint} for ${tenantId} (encrypted; it is not shown again); ` +
          `secrets: ${await fingerprints()}; endpoint: POST /v1/webhooks/stripe/${tenantId}`,
      );
      return 0;
    }
    case 'secrets': {
      if (rest.length > 0) return undefined;
      for (const entry of await listStripeSecrets(db, tenantId)) {
        out(`${entry.fingerprint}\t${entry.createdAt.toISOString()}`);
      }
      return 0;
    }
    case 'backfill': {
      if (rest.length === 0)
        throw new ApiError('BAD_USER_INPUT', 'stripe backfill: give one or more list pages (JSON files)');
      const sources: StripeRecordSource[] = [];
      for (const file of rest) {
        const page = readStripeListPage(await readFile(file, 'utf8'));
        if (!page.ok) {
          throw new ApiError('BAD_USER_INPUT', `${basename(file)}: ${page.error.message}`);
        }
        sources.push({ name: basename(file), records: page.records });
      }
      // Row errors fail the whole backfill (ImportFailed, printed by the CLI with its first rows).
      const summary = await importStripeRecords(db, {
        tenantId,
        sourceName: sources.map((source) => source.name).join(','),
        actor: CLI_ACTOR,
        sources,
      });
      out(
        `backfilled ${summary.rowsRead} records from ${sources.length} ${sources.length === 1 ? 'page' : 'pages'} into ${tenantId}: ` +
          `${summary.rowsStored} spans stored, ${summary.rowsUnchanged} unchanged, ${summary.customersAffected} customers updated, ` +
          `${summary.ignored} events of other types skipped (import ${summary.importId}, data version ${summary.dataVersion})`,
      );
      return 0;
    }
  }
  return undefined;
}
