/**
 * Imports of Stripe's own records: a webhook delivery (one event) or saved list pages
 * (`nrr stripe backfill`). Core sorts and parses them (`readStripeRecords`: subscription events
 * exactly as an events file's, customer events, snapshots); subscription events are stored by
 * ./store-events.ts as an events import stores them, customer events by ./store-customers.ts.
 * All-or-nothing, recorded, bumping the data version only when spans changed, as every import.
 */
import {
  type CustomerEvent,
  eventPolicyOf,
  ImportError,
  type RowError,
  readStripeRecords,
  rowError,
  type SubscriptionEvent,
} from '@nrr/core';
import type { Db } from '../db/connect.ts';
import { storedDefinitions } from '../tenants.ts';
import { type ImportSummary, inImportTransaction } from './run-import.ts';
import { storeCustomerEvents } from './store-customers.ts';
import { storeEvents } from './store-events.ts';

/** One source of records: a list page's file name, or a delivery's event id. */
export interface StripeRecordSource {
  readonly name: string;
  readonly records: readonly unknown[];
}

/** A Stripe import to run. */
export interface StripeImportRequest {
  readonly tenantId: string;
  /** Recorded as the import's source: the files' base names, or `webhook:<event id>`. */
  readonly sourceName: string;
  /** `stripe` for a webhook delivery, `cli` for a backfill. */
  readonly actor: string;
  readonly sources: readonly StripeRecordSource[];
}

/** What a Stripe import did: the import's summary, and how many events of other types were skipped. */
export interface StripeImportSummary extends ImportSummary {
  readonly ignored: number;
}

/**
 * Runs a Stripe import into an existing tenant (format `stripe`). A record that cannot be read,
 * or an event id repeated with other content, fails the whole import (`ImportFailed`) naming the
 * source, line (the record's index + 1) and field; an identical repeat (overlapping pages, a
 * redelivery) is read once.
 */
export async function importStripeRecords(
  db: Db,
  request: StripeImportRequest,
): Promise<StripeImportSummary> {
  let ignored = 0;
  const summary = await inImportTransaction(
    db,
    { tenantId: request.tenantId, format: 'stripe', sourceName: request.sourceName, actor: request.actor },
    async ({ tx, tenant, writer, importId }) => {
      const subscriptionEvents = new Map<string, { event: SubscriptionEvent; at: string }>();
      const customerEvents = new Map<string, { event: CustomerEvent; at: string }>();
      const errors: RowError[] = [];
      let rowsRead = 0;
      for (const source of request.sources) {
        const read = readStripeRecords(source.records, { defaultCurrency: tenant.reportingCurrency });
        rowsRead += source.records.length;
        ignored += read.ignored;
        const named = (error: RowError): RowError => ({
          ...error,
          message: `${source.name}: ${error.message}`,
        });
        errors.push(...read.errors.map(named));
        const keep = <T extends { id: string }>(seen: Map<string, { event: T; at: string }>, event: T) => {
          const first = seen.get(event.id);
          if (first === undefined) seen.set(event.id, { event, at: source.name });
          else if (JSON.stringify(first.event) !== JSON.stringify(event)) {
            errors.push(
              named(
                rowError(
                  'DUPLICATE_ID',
                  1,
                  'id',
                  event.id,
                  `an event id not read before, or a repeat of the same event (${first.at} has this id with other content)`,
                ),
              ),
            );
          }
        };
        for (const event of read.subscriptionEvents) keep(subscriptionEvents, event);
        for (const event of read.customerEvents) keep(customerEvents, event);
      }
      if (errors.length > 0) throw new ImportError(errors, errors.length, rowsRead);
      // Spans follow the tenant's span definitions (discounts, past due, unpaid, pause), as a file's.
      const policy = eventPolicyOf(storedDefinitions(request.tenantId, tenant.definitions));
      // Customers first: the subscription events' spans are then computed with their attributes.
      const customers = await storeCustomerEvents(
        tx,
        request.tenantId,
        importId,
        [...customerEvents.values()].map((entry) => entry.event),
        writer,
        policy,
      );
      const subscriptions = await storeEvents(
        tx,
        request.tenantId,
        importId,
        [...subscriptionEvents.values()].map((entry) => entry.event),
        writer,
        policy,
      );
      return { rowsRead, removed: customers.spansRemoved + subscriptions.spansRemoved };
    },
  );
  return { ...summary, ignored };
}
