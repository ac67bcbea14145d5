/**
 * What every GraphQL resolver and REST handler receives for one request: the database, the
 * authenticated caller, their tenant as read at the start of the request, and the analytics of
 * that tenant (timelines loaded lazily, once per data version).
 */

import type { TenantAnalytics } from './analytics/tenant-analytics.ts';
import type { Principal } from './auth/principal.ts';
import type { Db } from './db/connect.ts';
import type { WorkBudget } from './internal/work-budget.ts';
import type { Tenant } from './tenants.ts';
import type { UrlPolicy } from './webhooks/url-policy.ts';

/** Per-request context. */
export interface ApiContext {
  readonly db: Db;
  readonly principal: Principal;
  readonly tenant: Tenant;
  /** Embed-token signing key. */
  readonly tokenKey: Uint8Array;
  /** The tenant's timeline and rates, loaded on first use. */
  readonly analytics: TenantAnalytics;
  /** Engine work this request may still cause (see ./internal/work-budget.ts). */
  readonly budget: WorkBudget;
  /** Which webhook URLs may be registered (`ApiOptions.webhooks`). */
  readonly webhookPolicy: UrlPolicy;
}
