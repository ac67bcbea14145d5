/** Relay-style pagination helpers shared by `movements` and `customers`. */
import { ApiError } from '../errors.ts';
import { builder } from './builder.ts';

export const PageInfoRef = builder
  .objectRef<{ hasNextPage: boolean; endCursor: string | null }>('PageInfo')
  .implement({
    description: 'Where a page ends and whether more follow.',
    fields: (t) => ({
      hasNextPage: t.exposeBoolean('hasNextPage', { description: 'Whether another page follows.' }),
      endCursor: t.exposeString('endCursor', {
        nullable: true,
        description: 'Pass as `after` to get the next page; null on an empty page.',
      }),
    }),
  });

/** Opaque cursor of a position in a list computed at a data version. */
export function encodeOffsetCursor(dataVersion: number, offset: number): string {
  return Buffer.from(`v${dataVersion}:${offset}`).toString('base64url');
}

/**
 * The offset after a cursor. A cursor from another data version is refused (`BAD_USER_INPUT`):
 * the list it pointed into has changed.
 */
export function decodeOffsetCursor(cursor: string | null | undefined, dataVersion: number): number {
  if (cursor === null || cursor === undefined) return 0;
  const match = /^v(\d+):(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match)
    throw new ApiError('BAD_USER_INPUT', `after: ${JSON.stringify(cursor)} is not a cursor from this API`);
  if (Number(match[1]) !== dataVersion) {
    throw new ApiError(
      'BAD_USER_INPUT',
      'after: the data changed since this cursor was issued (a new import); start again from the first page',
    );
  }
  return Number(match[2]) + 1;
}
