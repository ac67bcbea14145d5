/**
 * The receiver's signature check agrees with Stripe's own library (`stripe.webhooks.constructEvent`)
 * on every input: genuine and forged headers, several `v1`, rotated secrets, stale, future and
 * malformed timestamps, odd spacing, an empty body. Headers are made by
 * `stripe.webhooks.generateTestHeaderString`.
 */
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { parseSignatureHeader, verifyStripeSignature } from '../src/stripe/signature.ts';
import { rotatedSignature, stripeSignature } from './stripe-fixtures.ts';

const SECRET = 'whsec_signature_test_secret_0123456789';
const ROTATED = 'whsec_signature_test_rotated_9876543210';
const NOW = 1_767_225_600_000; // 2026-01-01T00:00:00Z, in ms
const T = NOW / 1000;
const PAYLOAD = JSON.stringify({
  id: 'evt_1',
  object: 'event',
  type: 'customer.subscription.created',
  created: T,
});

/** What Stripe's library says about the header under `secret`: ok, or its kind of failure. */
function stripeVerdict(payload: string, header: string, secret: string): string {
  try {
    Stripe.webhooks.constructEvent(payload, header, secret, 300, undefined, NOW);
    return 'ok';
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return /tolerance/i.test(message) ? 'TIMESTAMP_OUTSIDE_TOLERANCE' : 'SIGNATURE_INVALID';
  }
}

const genuine = stripeSignature(PAYLOAD, SECRET, T);
const v1 = genuine.split(',v1=')[1] as string;

const CASES: [string, string, string][] = [
  ['genuine', genuine, PAYLOAD],
  ['genuine, signed 300 s ago', stripeSignature(PAYLOAD, SECRET, T - 300), PAYLOAD],
  ['genuine, signed 301 s ago', stripeSignature(PAYLOAD, SECRET, T - 301), PAYLOAD],
  ['genuine, signed a day ago', stripeSignature(PAYLOAD, SECRET, T - 86_400), PAYLOAD],
  ['genuine, signed in the future', stripeSignature(PAYLOAD, SECRET, T + 3600), PAYLOAD],
  ['another secret', stripeSignature(PAYLOAD, 'whsec_someone_else_entirely_000000', T), PAYLOAD],
  ['another secret, stale', stripeSignature(PAYLOAD, 'whsec_someone_else_entirely_000000', T - 999), PAYLOAD],
  ['body changed', genuine, PAYLOAD.replace('evt_1', 'evt_2')],
  ['body with a trailing newline', genuine, `${PAYLOAD}\n`],
  ['timestamp changed', genuine.replace(`t=${T}`, `t=${T - 1}`), PAYLOAD],
  ['timestamp with leading zero', genuine.replace(`t=${T}`, `t=0${T}`), PAYLOAD],
  ['timestamp missing', `v1=${v1}`, PAYLOAD],
  ['timestamp not a number', `t=abc,v1=${v1}`, PAYLOAD],
  ['no v1', `t=${T}`, PAYLOAD],
  ['only v0', `t=${T},v0=${v1}`, PAYLOAD],
  ['v1 upper case', `t=${T},v1=${v1.toUpperCase()}`, PAYLOAD],
  ['v1 truncated', `t=${T},v1=${v1.slice(0, 63)}`, PAYLOAD],
  ['a wrong v1 then the right one', `t=${T},v1=${'0'.repeat(64)},v1=${v1}`, PAYLOAD],
  ['the right v1 then a wrong one', `t=${T},v1=${v1},v1=${'f'.repeat(64)}`, PAYLOAD],
  ['space after the comma', `t=${T}, v1=${v1}`, PAYLOAD],
  ['v1 before t', `v1=${v1},t=${T}`, PAYLOAD],
  ['t given twice, the last wrong', `t=${T},v1=${v1},t=${T + 5}`, PAYLOAD],
  ['a value with "="', `t=${T},v1=${v1}=x`, PAYLOAD],
  ['rotation: both secrets', rotatedSignature(PAYLOAD, [ROTATED, SECRET], T), PAYLOAD],
  ['garbage', 'garbage', PAYLOAD],
  ['empty body', stripeSignature('', SECRET, T), ''],
];

describe('the Stripe-Signature check', () => {
  it.each(CASES)('agrees with stripe.webhooks.constructEvent: %s', (_name, header, payload) => {
    const ours = verifyStripeSignature(payload, header, [SECRET], NOW) ?? 'ok';
    expect(ours).toBe(stripeVerdict(payload, header, SECRET));
  });

  it('accepts a header matching any one of several secrets, and only those', () => {
    const signedWithRotated = stripeSignature(PAYLOAD, ROTATED, T);
    expect(verifyStripeSignature(PAYLOAD, signedWithRotated, [SECRET], NOW)).toBe('SIGNATURE_INVALID');
    expect(verifyStripeSignature(PAYLOAD, signedWithRotated, [SECRET, ROTATED], NOW)).toBeUndefined();
    expect(verifyStripeSignature(PAYLOAD, genuine, [ROTATED, SECRET], NOW)).toBeUndefined();
  });

  it('refuses everything when the tenant has no secret, as a wrong signature', () => {
    expect(verifyStripeSignature(PAYLOAD, genuine, [], NOW)).toBe('SIGNATURE_INVALID');
    expect(verifyStripeSignature(PAYLOAD, null, [], NOW)).toBe('SIGNATURE_MISSING');
  });

  it('reads headers as Stripe does', () => {
    expect(parseSignatureHeader(`t=${T},v1=ab,v0=cd,v1=ef`)).toEqual({
      timestamp: T,
      signatures: ['ab', 'ef'],
    });
    expect(parseSignatureHeader('v1=ab')).toEqual({ timestamp: -1, signatures: ['ab'] });
  });
});
