import { describe, expect, it } from 'vitest';
import {
  parseCustomerEvent,
  readStripeListPage,
  readStripeRecords,
  stripeEventKind,
  subscriptionSnapshotEvents,
} from '../../src/index.ts';

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;
const customerEvent = (object: unknown, type = 'customer.updated') => ({
  id: 'evt_c',
  object: 'event',
  type,
  created: day('2024-02-01'),
  data: { object },
});
const subscription = (extra: Record<string, unknown> = {}) => ({
  id: 'sub_1',
  object: 'subscription',
  customer: 'cus_1',
  status: 'active',
  currency: 'usd',
  start_date: day('2024-01-01'),
  items: {
    object: 'list',
    data: [
      {
        id: 'si_1',
        quantity: 2,
        price: {
          id: 'price_a',
          currency: 'usd',
          unit_amount: 1500,
          recurring: { interval: 'month', interval_count: 1 },
        },
      },
    ],
  },
  ...extra,
});

describe('Stripe records', () => {
  it.each([
    ['customer.subscription.created', 'subscription'],
    ['customer.subscription.resumed', 'subscription'],
    ['customer.created', 'customer'],
    ['customer.updated', 'customer'],
    ['customer.deleted', 'ignored'],
    ['invoice.paid', 'ignored'],
    [42, 'ignored'],
  ])('sorts %s as %s', (type, kind) => {
    expect(stripeEventKind(type)).toBe(kind);
  });

  it.each([
    [
      'country from the address, upper case, then metadata',
      { id: 'cus_1', address: { country: 'fr' }, metadata: { tier: 'gold', seats: 3, gone: '' } },
      { country: 'FR', tier: 'gold', seats: '3' },
    ],
    [
      'the shipping address when the address has none',
      { id: 'cus_1', address: null, shipping: { address: { country: 'DE' } } },
      { country: 'DE' },
    ],
    [
      'a metadata country wins',
      { id: 'cus_1', address: { country: 'FR' }, metadata: { country: 'BE' } },
      { country: 'BE' },
    ],
    ['nothing', { id: 'cus_1', object: 'customer' }, {}],
  ])('reads a customer event: %s', (_name, object, attributes) => {
    expect(parseCustomerEvent(customerEvent(object), 3)).toEqual({
      ok: true,
      row: {
        id: 'evt_c',
        customerId: 'cus_1',
        occurredAt: Date.parse('2024-02-01T00:00:00Z'),
        kind: 'updated',
        attributes,
      },
    });
  });

  it('names the field of a customer event it cannot read', () => {
    const parsed = parseCustomerEvent(customerEvent({ id: 'cus_1', metadata: { nested: { a: 1 } } }), 4);
    expect(parsed.ok ? undefined : parsed.error.message).toBe(
      'line 4, field "data.object.metadata.nested": got "{\\"a\\":1}", expected a text value (attributes are flat)',
    );
    const notCustomer = parseCustomerEvent(customerEvent({ id: 'in_1', object: 'invoice' }), 5);
    expect(notCustomer.ok ? undefined : notCustomer.error.field).toBe('data.object');
  });

  it.each([
    ['active', subscription(), [['sub_1:start', '2024-01-01', 'active']]],
    [
      'a trial still running',
      subscription({ status: 'trialing', trial_start: day('2024-01-01'), trial_end: day('2024-12-01') }),
      [['sub_1:start', '2024-01-01', 'trialing']],
    ],
    [
      'a trial, then paid, then canceled',
      subscription({
        status: 'canceled',
        trial_start: day('2024-01-01'),
        trial_end: day('2024-01-15'),
        ended_at: day('2024-06-01'),
      }),
      [
        ['sub_1:start', '2024-01-01', 'trialing'],
        ['sub_1:trial_end', '2024-01-15', 'active'],
        ['sub_1:ended', '2024-06-01', 'canceled'],
      ],
    ],
    [
      'canceled during its trial',
      subscription({
        status: 'canceled',
        trial_start: day('2024-01-01'),
        trial_end: day('2024-01-15'),
        ended_at: day('2024-01-10'),
      }),
      [
        ['sub_1:start', '2024-01-01', 'trialing'],
        ['sub_1:ended', '2024-01-10', 'canceled'],
      ],
    ],
  ])('turns a subscription snapshot into the events its dates imply: %s', (_name, snapshot, expected) => {
    const events = subscriptionSnapshotEvents(snapshot, 1).map((event) => [
      event.id,
      new Date((event.effective_at as number) * 1000).toISOString().slice(0, 10),
      (event.data as { object: { status: string } }).object.status,
    ]);
    expect(events).toEqual(expected);
  });

  it('reads a mixed list: subscription events, customer events, snapshots; other types counted; bad records named', () => {
    const read = readStripeRecords([
      {
        id: 'evt_s',
        object: 'event',
        type: 'customer.subscription.created',
        created: day('2024-01-01'),
        data: { object: subscription() },
      },
      customerEvent({ id: 'cus_1', address: { country: 'US' } }, 'customer.created'),
      { id: 'evt_i', object: 'event', type: 'invoice.paid', created: 1, data: { object: {} } },
      subscription({ id: 'sub_2' }),
      { id: 'x', object: 'charge' },
      {
        id: 'evt_bad',
        object: 'event',
        type: 'customer.subscription.updated',
        created: 1,
        data: { object: subscription({ status: 'exploded' }) },
      },
    ]);
    expect(read.subscriptionEvents.map((event) => [event.id, event.status, event.effectiveAt])).toEqual([
      ['evt_s', 'active', Date.parse('2024-01-01T00:00:00Z')],
      ['sub_2:start', 'active', Date.parse('2024-01-01T00:00:00Z')],
    ]);
    expect(read.customerEvents.map((event) => [event.id, event.kind, event.attributes])).toEqual([
      ['evt_c', 'created', { country: 'US' }],
    ]);
    expect(read.ignored).toBe(1);
    expect(read.errors.map((error) => [error.line, error.field])).toEqual([
      [5, 'object'],
      [6, 'data.object.status'],
    ]);
  });

  it('reads a saved list page, and refuses anything else on line 1', () => {
    expect(readStripeListPage('{"object":"list","data":[{"id":"evt_1"}],"has_more":false}')).toEqual({
      ok: true,
      records: [{ id: 'evt_1' }],
    });
    for (const text of ['[]', '{"data":[]}', '{"object":"list","data":{}}', 'nope']) {
      const page = readStripeListPage(text);
      expect(page.ok ? undefined : [page.error.line, page.error.code]).toEqual([1, 'INVALID_JSON']);
    }
  });
});
