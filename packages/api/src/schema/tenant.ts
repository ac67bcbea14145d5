/** `Tenant` and the `viewer` query: who the caller is and what data the tenant has. */
import type { Tenant } from '../tenants.ts';
import { builder } from './builder.ts';

export const TenantRef = builder.objectRef<Tenant>('Tenant').implement({
  description: 'The company whose billing data the caller reads.',
  fields: (t) => ({
    id: t.exposeID('tenantId', { description: 'Tenant id, e.g. "acme".' }),
    name: t.exposeString('name', { description: 'Display name.' }),
    reportingCurrency: t.exposeString('reportingCurrency', {
      description: 'ISO 4217 code every figure is reported in unless a query asks for another.',
    }),
    dataVersion: t.int({
      description: 'Increases with every import that changed data; equal versions mean equal figures.',
      resolve: (tenant) => tenant.dataVersion,
    }),
    currencies: t.stringList({
      description: 'Currencies found in the billing data, sorted.',
      resolve: async (_tenant, _args, context) => [...(await context.analytics.summary()).currencies],
    }),
    dataEnd: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'End of known data (the last change in the billing data); null when there is none.',
      resolve: async (_tenant, _args, context) => {
        const summary = await context.analytics.summary();
        return summary.size === 0 ? null : summary.asOf;
      },
    }),
  }),
});

const CallerKindEnum = builder.enumType('CallerKind', {
  description: 'The kind of credential a request was made with.',
  values: {
    SECRET_KEY: { description: 'A secret API key (servers, analysts).' },
    EMBED_TOKEN: { description: 'A short-lived, read-only embed token (browsers).' },
  } as const,
});

const ViewerRef = builder
  .objectRef<{ kind: 'SECRET_KEY' | 'EMBED_TOKEN'; canWrite: boolean }>('Viewer')
  .implement({
    description: 'The caller.',
    fields: (t) => ({
      kind: t.field({
        type: CallerKindEnum,
        description: 'Credential kind.',
        resolve: (viewer) => viewer.kind,
      }),
      canWrite: t.exposeBoolean('canWrite', { description: 'Whether the caller may import data.' }),
      tenant: t.field({
        type: TenantRef,
        description: 'The caller’s tenant.',
        resolve: (_v, _a, context) => context.tenant,
      }),
    }),
  });

builder.queryField('viewer', (t) =>
  t.field({
    type: ViewerRef,
    description: 'The caller and its tenant.',
    resolve: (_root, _args, context) => ({
      kind: context.principal.kind,
      canWrite: context.principal.kind === 'SECRET_KEY' && context.principal.scope === 'read_write',
    }),
  }),
);
