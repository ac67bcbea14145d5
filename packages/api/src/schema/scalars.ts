/** `Date` and `DateTime` scalars: instants (epoch ms, UTC) inside, ISO 8601 strings outside. */
import { toIsoDate } from '@nrr/core';
import { GraphQLError } from 'graphql';
import { builder } from './builder.ts';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses `YYYY-MM-DD` strictly (impossible dates such as 2023-02-30 are refused). */
export function parseIsoDate(value: unknown): number {
  const match = typeof value === 'string' ? DATE.exec(value) : null;
  if (match) {
    const instant = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
    if (toIsoDate(instant) === value) return instant;
  }
  throw new GraphQLError(`Date: got ${JSON.stringify(value)}, expected an ISO date such as "2024-01-31"`, {
    extensions: { code: 'BAD_USER_INPUT' },
  });
}

builder.scalarType('Date', {
  description: 'A calendar date in ISO 8601 (`2024-01-31`), meaning midnight UTC at its start.',
  serialize: (instant) => toIsoDate(instant),
  parseValue: parseIsoDate,
});

builder.scalarType('DateTime', {
  description: 'An instant in ISO 8601, UTC (`2024-01-31T12:00:00.000Z`).',
  serialize: (instant) => new Date(instant).toISOString(),
  parseValue: (value) => {
    const instant = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (Number.isNaN(instant)) {
      throw new GraphQLError(
        `DateTime: got ${JSON.stringify(value)}, expected an ISO date-time such as "2024-01-31T12:00:00Z"`,
        { extensions: { code: 'BAD_USER_INPUT' } },
      );
    }
    return instant;
  },
});
