/** The API's own answers, asked directly with the secret key, to compare the panel against. */
import type { SegmentFilter } from '@nrr/core';

/** The figures the cards show for one window. */
export interface RetentionFigures {
  readonly nrr: number | null;
  readonly grr: number | null;
}

/** `retention(input)` from the API at `apiUrl` with a secret key; throws on any GraphQL error. */
export async function retentionFromApi(
  apiUrl: string,
  secretKey: string,
  input: { from: string; to: string; segment?: SegmentFilter },
): Promise<RetentionFigures> {
  const response = await fetch(`${apiUrl}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'query Check($input: RetentionInput!) { retention(input: $input) { nrr grr } }',
      variables: { input },
    }),
  });
  const body = (await response.json()) as { data?: { retention: RetentionFigures }; errors?: unknown[] };
  if (!body.data || body.errors) throw new Error(`retention query failed: ${JSON.stringify(body.errors)}`);
  return body.data.retention;
}
