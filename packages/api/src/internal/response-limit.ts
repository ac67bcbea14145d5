/**
 * The largest answer one GraphQL response may carry. Page sizes, `breakdown`'s `first` and the
 * period limits bound each list, but lists nest (500 customers, each with its whole ledger): an
 * answer over the limit is replaced by a `COST_LIMIT` error before it is serialised for the
 * client, so no response holds tens of megabytes.
 */
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ApiContext } from '../context.ts';

/** Default largest response, in bytes of JSON (10,000,000). */
export const DEFAULT_MAX_RESPONSE_BYTES = 10_000_000;

/**
 * The envelop plugin: refuses an execution result larger than `maxBytes` bytes of JSON with a
 * `COST_LIMIT` error (HTTP 400) saying how large it was. Register it before the result cache,
 * so a refused answer is not kept.
 */
export function responseLimit(maxBytes: number = DEFAULT_MAX_RESPONSE_BYTES): Plugin<ApiContext> {
  return {
    onExecute() {
      return {
        onExecuteDone({ result, setResult }) {
          // Streams (incremental delivery) are not used by this schema's queries.
          if (Symbol.asyncIterator in result) return;
          const bytes = Buffer.byteLength(JSON.stringify(result));
          if (bytes <= maxBytes) return;
          setResult({
            data: null,
            errors: [
              new GraphQLError(
                `the answer would be ${bytes.toLocaleString('en')} bytes, over the limit of ${maxBytes.toLocaleString('en')} per response; ask for smaller pages (first), fewer periods or fewer fields per request`,
                { extensions: { code: 'COST_LIMIT', bytes, maxBytes, http: { status: 400 } } },
              ),
            ],
          });
        },
      };
    },
  };
}
