/**
 * Hardening, concurrent imports of one tenant on Postgres with a pool of 4 connections: each
 * import used to take a connection and then wait in its transaction for the tenant's row lock, so
 * six of them held every connection and other tenants' queries waited until they finished. Now
 * they queue in the process without a connection: while the first is held half-way through its
 * file, no backend waits for a lock and another tenant's query is answered; all six then succeed
 * in the order they were started.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../../src/imports/run-import.ts';
import { ensureTenant } from '../../src/tenants.ts';
import { createApi } from '../../src/yoga.ts';
import { graphql, TEST_TOKEN_SECRET, tenantWithKey } from '../harness.ts';
import { type OwnPostgres, ownPostgres, POSTGRES_SKIP_REASON, periodLines, periodsText } from './support.ts';

describe.skipIf(POSTGRES_SKIP_REASON !== undefined)(
  'concurrent imports of one tenant (Postgres, pool of 4)',
  () => {
    let pg: OwnPostgres;
    beforeAll(async () => {
      pg = await ownPostgres(4);
    });
    afterAll(() => pg?.dispose());

    /** Backends of our database waiting for a lock, and those inside a transaction that has written. */
    async function backends(): Promise<{ waitingForLock: number; writing: number }> {
      const name = new URL(pg.url).pathname.slice(1);
      const [row] = await pg.admin<{ waiting: number; writing: number }[]>`
      select count(*) filter (where wait_event_type = 'Lock')::int as waiting,
             count(*) filter (where backend_xid is not null)::int as writing
      from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`;
      return { waitingForLock: row?.waiting ?? 0, writing: row?.writing ?? 0 };
    }

    it("answers another tenant's query while six imports of one tenant queue, and runs them all in order", async () => {
      const api = createApi({ db: pg.database.db, tokenSecret: TEST_TOKEN_SECRET, rateLimit: false });
      const key = await tenantWithKey(pg.database, 'quiet');
      await runImport(pg.database.db, {
        tenantId: 'quiet',
        format: 'periods',
        source: periodsText(50, 'q'),
        sourceName: 'q',
        actor: 'test',
      });
      await ensureTenant(pg.database.db, { tenantId: 'busy' });

      // The first import stops half-way through its file, inside its transaction, until released.
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      async function* gated() {
        let index = 0;
        for (const line of periodLines(4_000, 'g')) {
          if (index === 2_000) await gate;
          index += 1;
          yield line;
        }
      }
      const finished: number[] = [];
      const start = (n: number, source: AsyncIterable<string> | Iterable<string>) =>
        runImport(pg.database.db, {
          tenantId: 'busy',
          format: 'periods',
          source,
          sourceName: `import ${n}`,
          actor: 'test',
        }).then((summary) => {
          finished.push(n);
          return summary;
        });
      const imports = [start(1, gated())];
      const deadline = Date.now() + 30_000;
      while ((await backends()).writing === 0) {
        if (Date.now() > deadline) throw new Error('the first import never wrote');
        await new Promise((r) => setTimeout(r, 20));
      }
      for (let n = 2; n <= 6; n += 1) imports.push(start(n, periodLines(200, `i${n}_`)));
      // A turn of the event loop: the five have asked for what they wait on before the query does.
      await new Promise((r) => setImmediate(r));

      // Either the query is answered, or the other imports wait for the row lock in the database,
      // holding connections (the query then cannot get one until the first import is released).
      let answered = false;
      const query = graphql(api, '{ viewer { tenant { id } } }', { credential: key }).then((answer) => {
        answered = true;
        return answer;
      });
      let waitingSeen = 0;
      while (!answered && waitingSeen === 0) {
        waitingSeen = (await backends()).waitingForLock;
        await new Promise((r) => setTimeout(r, 20));
      }
      const answeredWhileHeld = answered;
      const stillHeld = finished.length === 0;
      release();
      const answer = await query;
      const summaries = await Promise.all(imports);

      expect({ answeredWhileHeld, waitingSeen, stillHeld }).toEqual({
        answeredWhileHeld: true,
        waitingSeen: 0,
        stillHeld: true,
      });
      expect(answer.body).toEqual({ data: { viewer: { tenant: { id: 'quiet' } } } });
      expect(finished).toEqual([1, 2, 3, 4, 5, 6]);
      expect(summaries.map((s) => [s.status, s.dataVersion])).toEqual(
        [1, 2, 3, 4, 5, 6].map((version) => ['SUCCEEDED', version]),
      );
      expect(summaries.map((s) => s.rowsStored)).toEqual([4_000, 200, 200, 200, 200, 200]);
    }, 120_000);
  },
);

if (POSTGRES_SKIP_REASON) console.log(`[hardening] import queue: ${POSTGRES_SKIP_REASON}`);
