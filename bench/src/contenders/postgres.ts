/**
 * The Postgres contender: the machine's server, a schema of its own (dropped on close), the periods
 * CSV streamed in with `COPY … FROM STDIN` into a bare table (no keys, no indexes: the import
 * ceiling), then the same dbt-playbook SQL as DuckDB's (`sql/playbook.ts`). Postgres runs in its
 * own server processes, so the child's peak RSS does not include the server's memory.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import postgres from 'postgres';
import { bridgesSql, cohortsSql, dropModelsSql, modelsSql, tablesSql, trailingSql } from '../sql/playbook.ts';
import { figuresFromRows, type SqlRow } from '../sql/results.ts';
import { type Contender, type FiguresRun, timed } from './contender.ts';
import { playbookParameters } from './duckdb.ts';

/** The server the benchmark uses unless `DATABASE_URL` names another. */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** Memory per sort and hash of the figures' queries; the server's 4 MB default spills to disk. */
export const WORK_MEM = '256MB';

/** One connection (temporary tables live in its session) and the schema it created. */
export interface PostgresState {
  readonly sql: postgres.Sql;
  readonly schema: string;
  /** Milliseconds the `COPY` of the periods file alone took, and the rows it wrote. */
  readonly copy: { readonly ms: number; readonly rows: number };
}

/** Streams a CSV file with a header into a table through `COPY … FROM STDIN`. */
export async function copyCsv(sql: postgres.Sql, table: string, path: string): Promise<number> {
  const writable = await sql.unsafe(`copy ${table} from stdin with (format csv, header true)`).writable();
  await pipeline(createReadStream(path), writable);
  const [row] = await sql.unsafe<{ count: string }[]>(`select count(*) as count from ${table}`);
  return Number(row?.count ?? 0);
}

/** Opens a connection with a fresh schema first on its search path. */
export async function connectWithSchema(
  url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
): Promise<{ sql: postgres.Sql; schema: string }> {
  const schema = `nrr_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const sql = postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: 'nrr-bench' } });
  await sql.unsafe(`create schema ${schema}`);
  await sql.unsafe(`set search_path to ${schema}`);
  await sql.unsafe(`set work_mem to '${WORK_MEM}'`);
  return { sql, schema };
}

/** Postgres, from `COPY` to the playbook's figures. */
export const postgresContender: Contender<PostgresState> = {
  name: 'Postgres',

  async load(dataset) {
    const { sql, schema } = await connectWithSchema();
    try {
      for (const statement of tablesSql('postgres')) await sql.unsafe(statement);
      const copy = await timed(() => copyCsv(sql, 'subscription_periods', dataset.periodsPath));
      if (copy.result !== dataset.rows) {
        throw new Error(`COPY wrote ${copy.result} rows of ${dataset.periodsPath}, expected ${dataset.rows}`);
      }
      await copyCsv(sql, 'fx_rates', dataset.ratesPath);
      await sql.unsafe('analyze subscription_periods');
      await sql.unsafe('analyze fx_rates');
      return { sql, schema, copy: { ms: copy.ms, rows: copy.result } };
    } catch (error) {
      await sql.unsafe(`drop schema if exists ${schema} cascade`).catch(() => {});
      await sql.end();
      throw error;
    }
  },

  async figures({ sql }, dataset): Promise<FiguresRun> {
    for (const statement of dropModelsSql()) await sql.unsafe(statement);
    const models = await timed(async () => {
      for (const statement of modelsSql('postgres', playbookParameters(dataset))) await sql.unsafe(statement);
    });
    const rows = async (text: string) => (await sql.unsafe(text)) as unknown as SqlRow[];
    const bridges = await timed(() => rows(bridgesSql('postgres')));
    const trailing = await timed(() => rows(trailingSql('postgres')));
    const cohorts = await timed(() => rows(cohortsSql('postgres')));
    return {
      figures: figuresFromRows(dataset, {
        bridges: bridges.result,
        trailing: trailing.result,
        cohorts: cohorts.result,
      }),
      steps: { models: models.ms, bridges: bridges.ms, trailing: trailing.ms, cohorts: cohorts.ms },
    };
  },

  async close({ sql, schema }) {
    try {
      await sql.unsafe(`drop schema if exists ${schema} cascade`);
    } finally {
      await sql.end();
    }
  },
};
