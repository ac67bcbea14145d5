/** `createEmbedToken`: a secret key mints a short-lived, read-only token for a browser. */
import type { RetentionWarning } from '@nrr/core';
import { segmentLockWarnings } from '../analytics/segment-typos.ts';
import { DEFAULT_EMBED_TTL_SECONDS, MAX_EMBED_TTL_SECONDS, signEmbedToken } from '../auth/embed-tokens.ts';
import { requireSecretKey } from '../auth/principal.ts';
import { effectiveSegment } from '../auth/segment-lock.ts';
import { fixedDefinitions } from '../auth/token-definitions.ts';
import { builder } from './builder.ts';
import { DefinitionsInputRef } from './definitions.ts';
import { WarningRef } from './retention-report.ts';
import { SegmentFilterInput } from './segment-filter.ts';

const EmbedTokenRef = builder
  .objectRef<{
    token: string;
    expiresAt: Date;
    tenantId: string;
    warnings: readonly RetentionWarning[];
  }>('EmbedToken')
  .implement({
    description: 'A signed token a browser sends as "Authorization: Bearer <token>".',
    fields: (t) => ({
      token: t.exposeString('token', { description: 'The token (a JWT, HS256). Treat it as a credential.' }),
      expiresAt: t.field({
        type: 'DateTime',
        description: 'When the token stops working.',
        resolve: (minted) => minted.expiresAt.getTime(),
      }),
      tenantId: t.exposeID('tenantId', { description: 'The only tenant the token can read.' }),
      warnings: t.field({
        type: [WarningRef],
        description:
          'Caveats about the token: UNKNOWN_SEGMENT_VALUE for a value of `segment` no customer has (the token then shows nobody until one has it), naming the close values.',
        resolve: (minted) => [...minted.warnings],
      }),
    }),
  });

const CreateEmbedTokenInput = builder.inputType('CreateEmbedTokenInput', {
  description: 'What the token may read and for how long.',
  fields: (t) => ({
    ttlSeconds: t.int({
      required: false,
      description: `Lifetime in seconds: default ${DEFAULT_EMBED_TTL_SECONDS} (15 minutes), at most ${MAX_EMBED_TTL_SECONDS}.`,
    }),
    segment: t.field({
      type: SegmentFilterInput,
      required: false,
      description:
        'Confine every query of the token to this segment; queries can narrow it but not widen it.',
    }),
    definitions: t.field({
      type: DefinitionsInputRef,
      required: false,
      description:
        'Fix these definitions for every query of the token (over the tenant’s settings at each query): a query asking another value of an option named here (or, with a preset, of the preset’s options) is FORBIDDEN; options not named stay open to the token’s queries.',
    }),
  }),
});

builder.mutationField('createEmbedToken', (t) =>
  t.field({
    type: EmbedTokenRef,
    description: 'Mint a read-only embed token for the caller’s tenant. Needs a secret key.',
    args: { input: t.arg({ type: CreateEmbedTokenInput, required: false }) },
    resolve: async (_root, { input }, context) => {
      requireSecretKey(context.principal, 'createEmbedToken');
      const segment = effectiveSegment(context, input?.segment);
      // A value no customer has is a warning (it may be a customer still to come) rather than a
      // token that silently shows nobody.
      const warnings = await segmentLockWarnings(context, segment);
      const minted = await signEmbedToken(context.tokenKey, {
        tenantId: context.tenant.tenantId,
        ttlSeconds: input?.ttlSeconds ?? undefined,
        segment,
        definitions: fixedDefinitions(context, input?.definitions),
      });
      return { ...minted, tenantId: context.tenant.tenantId, warnings };
    },
  }),
);
