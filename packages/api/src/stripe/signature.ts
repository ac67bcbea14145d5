/**
 * Stripe's webhook signature scheme (docs.stripe.com/webhooks#verify-manually), as the official
 * `stripe` package checks it (`stripe.webhooks.constructEvent`; the tests compare the two): the
 * `Stripe-Signature` header is comma-separated `key=value` pairs, `t` the signing time in Unix
 * seconds and each `v1` an HMAC-SHA256, in hex, of `${t}.${rawBody}` under an endpoint secret.
 * The delivery is genuine when any `v1` matches under any of the tenant's secrets (several during a
 * rotation, when Stripe also sends several `v1`), compared in constant time; it is then refused
 * when `t` is more than the tolerance (300 s) in the past. As in Stripe's own library, a timestamp
 * in the future is not refused: it is signed, so only a holder of the secret can set it.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Stripe's default tolerance, in seconds. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** Why a delivery's signature was refused (each a 400 with this code). */
export type SignatureFailure =
  /** No `Stripe-Signature` header. */
  | 'SIGNATURE_MISSING'
  /** No `t` or no `v1` in the header, an empty body, or no `v1` matching any secret. */
  | 'SIGNATURE_INVALID'
  /** Genuine, but signed more than the tolerance ago (a replay, or a clock far off). */
  | 'TIMESTAMP_OUTSIDE_TOLERANCE';

/** The header's parts, read as Stripe's library reads them (`t` by `parseInt`, no trimming). */
export function parseSignatureHeader(header: string): { timestamp: number; signatures: string[] } {
  let timestamp = -1;
  const signatures: string[] = [];
  for (const item of header.split(',')) {
    const [name, value = ''] = item.split('=');
    if (name === 't') timestamp = Number.parseInt(value, 10);
    if (name === 'v1') signatures.push(value);
  }
  return { timestamp, signatures };
}

/**
 * Checks one delivery: `undefined` when genuine and recent, else why not. `secrets` may be empty
 * (the tenant has none, or does not exist): the HMAC is then computed under a throwaway secret, so
 * that the answer and its timing are those of a wrong signature.
 */
export function verifyStripeSignature(
  rawBody: string,
  header: string | null,
  secrets: readonly string[],
  nowMs: number = Date.now(),
  toleranceSeconds: number = SIGNATURE_TOLERANCE_SECONDS,
): SignatureFailure | undefined {
  if (header === null || header === '') return 'SIGNATURE_MISSING';
  const { timestamp, signatures } = parseSignatureHeader(header);
  if (rawBody === '' || Number.isNaN(timestamp) || timestamp === -1 || signatures.length === 0) {
    return 'SIGNATURE_INVALID';
  }
  const signed = `${timestamp}.${rawBody}`;
  let matched = false;
  for (const secret of secrets.length === 0 ? [THROWAWAY_SECRET] : secrets) {
    const expected = Buffer.from(createHmac('sha256', secret).update(signed, 'utf8').digest('hex'));
    for (const signature of signatures) {
      const given = Buffer.from(signature);
      // Lengths differ only for a malformed signature; equal lengths compare in constant time.
      if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
    }
  }
  if (!matched || secrets.length === 0) return 'SIGNATURE_INVALID';
  const age = Math.floor(nowMs / 1000) - timestamp;
  if (toleranceSeconds > 0 && age > toleranceSeconds) return 'TIMESTAMP_OUTSIDE_TOLERANCE';
  return undefined;
}

/** Signs nothing real: stands in for a tenant without secrets (see {@link verifyStripeSignature}). */
const THROWAWAY_SECRET = `whsec_${randomBytes(24).toString('base64url')}`;
