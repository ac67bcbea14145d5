/** A loopback HTTP server that records webhook deliveries and answers as a test tells it. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got, and what it answered. */
export interface ReceivedWebhook {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly status: number;
}

/** A running receiver. */
export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>/hook`. */
  readonly url: string;
  readonly received: ReceivedWebhook[];
  /** The `webhook-id`s answered 2xx, in order. */
  delivered(): string[];
  close(): Promise<void>;
}

/**
 * Starts a receiver on 127.0.0.1. `answer(n)` gives the status of the n-th request (0-based), or
 * `'hold'` to never answer it (the request stays open until the receiver closes).
 */
export async function startReceiver(
  answer: (index: number) => number | 'hold' = () => 200,
): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let count = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const status = answer(count++);
      if (status === 'hold') {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString(), status: 0 });
        return;
      }
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString(), status });
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    delivered: () =>
      received.filter((r) => r.status >= 200 && r.status < 300).map((r) => String(r.headers['webhook-id'])),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Waits until `condition()` holds, checking every 20 ms; throws with `what` after `timeoutMs`. */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
