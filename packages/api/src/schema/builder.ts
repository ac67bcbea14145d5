/** The Pothos schema builder every type file registers with. */
import SchemaBuilder from '@pothos/core';
import type { ApiContext } from '../context.ts';

/** The schema builder, typed with our context and scalars. */
export const builder = new SchemaBuilder<{
  Context: ApiContext;
  Scalars: {
    /** `YYYY-MM-DD`, parsed to an instant (epoch ms, midnight UTC). */
    Date: { Input: number; Output: number };
    /** ISO 8601 date-time in UTC, from an instant (epoch ms). */
    DateTime: { Input: number; Output: number };
  };
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: true;
}>({
  defaultFieldNullability: false,
  defaultInputFieldRequiredness: true,
});

builder.queryType({ description: 'Read retention figures, customers and movements of the caller’s tenant.' });
builder.mutationType({ description: 'Mint embed tokens and import small batches of billing data.' });
