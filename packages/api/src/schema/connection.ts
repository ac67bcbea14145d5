/** Relay-style pagination helpers shared by `movements`, `customers` and `compareDefinitions`. */
import { createHash } from 'node:crypto';
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

/**
 * Opaque cursor of a position in a list computed at a data version; with `scope` (what else the
 * list depends on, e.g. its question and definition sets), a short digest of it too, so that a
 * cursor is refused for any other list.
 */
export function encodeOffsetCursor(dataVersion: number, offset: number, scope?: string): string {
  const digest = scope === undefined ? '' : `${scopeDigest(scope)}:`;
  return Buffer.from(`v${dataVersion}:${digest}${offset}`).toString('base64url');
}

/**
 * The offset after a cursor. A cursor from another data version is refused (`BAD_USER_INPUT`):
 * the list it pointed into has changed; so is, with `scope`, a cursor of a list with another
 * scope (`what` names that list's inputs in the message).
 */
export function decodeOffsetCursor(
  cursor: string | null | undefined,
  dataVersion: number,
  scope?: { readonly key: string; readonly what: string },
): number {
  if (cursor === null || cursor === undefined) return 0;
  const match = /^v(\d+):(?:([\w-]{12}):)?(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match)
    throw new ApiError('BAD_USER_INPUT', `after: ${JSON.stringify(cursor)} is not a cursor from this API`, {
      field: 'after',
    });
  if (Number(match[1]) !== dataVersion) {
    throw new ApiError(
      'BAD_USER_INPUT',
      'after: the data changed since this cursor was issued (a new import); start again from the first page',
      { field: 'after' },
    );
  }
  if (scope && match[2] !== scopeDigest(scope.key)) {
    throw new ApiError(
      'BAD_USER_INPUT',
      `after: this cursor belongs to another question (${scope.what}); start again from the first page`,
      { field: 'after' },
    );
  }
  return Number(match[3]) + 1;
}

/** 12 characters of a SHA-256 of `scope`: enough to tell two lists apart, short in a cursor. */
function scopeDigest(scope: string): string {
  return createHash('sha256').update(scope).digest('base64url').slice(0, 12);
}
