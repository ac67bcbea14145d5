/**
 * The DuckDB contender: `@duckdb/node-api` in process, an in-memory database, the periods CSV read
 * with `read_csv` into a bare table, then the dbt-playbook SQL (`sql/playbook.ts`). DuckDB uses
 * every core it is given (its default); @nrr/core uses one.
 */
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { toIsoDate } from '@nrr/core';
import type { Dataset } from '../dataset.ts';
import {
  bridgesSql,
  cohortsSql,
  dropModelsSql,
  modelsSql,
  type PlaybookParameters,
  tablesSql,
  trailingSql,
} from '../sql/playbook.ts';
import { figuresFromRows, type SqlRow } from '../sql/results.ts';
import { type Contender, type FiguresRun, timed } from './contender.ts';

/** An open in-memory database holding the loaded tables. */
export interface DuckDbState {
  readonly instance: DuckDBInstance;
  readonly connection: DuckDBConnection;
}

const quoted = (path: string) => `'${path.replaceAll("'", "''")}'`;

/** The parameters the playbook SQL needs for a dataset. */
export function playbookParameters(dataset: Dataset): PlaybookParameters {
  return {
    start: toIsoDate(dataset.start),
    months: dataset.months,
    reportingCurrency: dataset.reportingCurrency,
  };
}

async function rowsOf(connection: DuckDBConnection, sql: string): Promise<SqlRow[]> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJS() as SqlRow[];
}

/** DuckDB in process, from `read_csv` to the playbook's figures. */
export const duckDbContender: Contender<DuckDbState> = {
  name: 'DuckDB',

  async load(dataset) {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    for (const statement of tablesSql('duckdb')) await connection.run(statement);
    // Column types given, so nothing is sniffed: the file lands as the table declares it.
    await connection.run(
      `insert into subscription_periods select * from read_csv(${quoted(dataset.periodsPath)}, header = true,
         columns = {'subscription_id': 'varchar', 'customer_id': 'varchar', 'start_date': 'date', 'end_date': 'date',
                    'monthly_amount': 'decimal(18,4)', 'currency': 'varchar', 'plan': 'varchar',
                    'billing_interval': 'varchar', 'country': 'varchar', 'industry': 'varchar'})`,
    );
    await connection.run(
      `insert into fx_rates select * from read_csv(${quoted(dataset.ratesPath)}, header = true,
         columns = {'currency': 'varchar', 'effective_date': 'date', 'rate': 'double'})`,
    );
    return { instance, connection };
  },

  async figures({ connection }, dataset): Promise<FiguresRun> {
    for (const statement of dropModelsSql()) await connection.run(statement);
    const models = await timed(async () => {
      for (const statement of modelsSql('duckdb', playbookParameters(dataset)))
        await connection.run(statement);
    });
    const bridges = await timed(() => rowsOf(connection, bridgesSql('duckdb')));
    const trailing = await timed(() => rowsOf(connection, trailingSql('duckdb')));
    const cohorts = await timed(() => rowsOf(connection, cohortsSql('duckdb')));
    const figures = figuresFromRows(dataset, {
      bridges: bridges.result,
      trailing: trailing.result,
      cohorts: cohorts.result,
    });
    return {
      figures,
      steps: { models: models.ms, bridges: bridges.ms, trailing: trailing.ms, cohorts: cohorts.ms },
    };
  },

  async close({ instance, connection }) {
    connection.closeSync();
    instance.closeSync();
  },
};
