/**
 * The figures in SQL, written the way the dbt MRR playbook (github.com/dbt-labs/mrr-playbook)
 * models them: a month spine (`util_months`), a customer-month revenue model over it
 * (`customer_revenue_by_month`), `lag()` for the previous month's MRR, and a `change_category`
 * per customer-month (new, churn, reactivation, upgrade, downgrade). One text serves DuckDB and
 * Postgres; the few differences are in {@link Dialect}.
 *
 * Where the playbook and the engine's semantics part, the SQL follows the engine (retention
 * semantics §3–§6), and says so:
 * - The playbook samples a customer's MRR at each month's first instant, on data whose dates are
 *   month starts. Generated periods start and end mid-month, so month m's MRR here is the MRR in
 *   force just before the month's end boundary (the engine's "state after every change strictly
 *   before the boundary"): the periods with `start_date < month_end` and (`end_date` empty or
 *   `end_date >= month_end`); `end_date` is exclusive, so a period ending exactly on the boundary
 *   is still in force the instant before it. On month-start data this is the playbook's
 *   `date_month >= start_date and date_month < end_date` one month later, and so gives its figures.
 * - `new` means the customer's first paid instant falls in the month (the playbook: first active
 *   month), so a customer who signs up and leaves within one month and returns later is a
 *   reactivation, as in the engine. Starting MRR is the previous month's, by `lag()`.
 * - Constant currency: both ends of a month are converted at the rate in force at the month's
 *   first instant; a trailing-12-month window converts both ends at its first instant's rate; a
 *   cohort converts every cell at its first month's rate. Amounts are `decimal(20,4)` read from the
 *   file and exact integer units (1/10,000) from there on; sums are exact (`hugeint`/`numeric`).
 *   The conversion is exact too, {@link FX_CONVERT_DOC}.
 * - The spine starts at the data's first month: lag() reads a customer's months before its first
 *   paid month as zero, which holds when nobody paid before the spine starts.
 */

/** The SQL dialects the benchmark runs. */
export type Dialect = 'duckdb' | 'postgres';

/**
 * How the conversion is done: exactly, like @nrr/core's `convertUnits` — the rate is the decimal
 * it is written as (`decimal(18,10)`), the product of integer units and that rate is exact, and it
 * is rounded half away from zero to a whole unit (1/10,000).
 */
export const FX_CONVERT_DOC =
  'units × decimal rate, exact, rounded half away from zero, as @nrr/core convertUnits';

/** What the SQL needs to know about the dataset. */
export interface PlaybookParameters {
  /** First day of the window, `YYYY-MM-DD` (the 1st of a month). */
  readonly start: string;
  /** Months in the window. */
  readonly months: number;
  /** Reporting currency (rate 1). */
  readonly reportingCurrency: string;
}

const SERIES: Record<Dialect, (from: number, to: number) => string> = {
  duckdb: (from, to) => `range(${from}, ${to + 1})`,
  postgres: (from, to) => `generate_series(${from}, ${to})`,
};

const ADD_MONTHS: Record<Dialect, (date: string, months: string) => string> = {
  duckdb: (date, months) => `cast(${date} + to_months(cast(${months} as integer)) as date)`,
  postgres: (date, months) => `cast(${date} + make_interval(months => cast(${months} as integer)) as date)`,
};

/** Tables the CSV files load into: bare, no keys or indexes (what a COPY or read_csv lands in). */
export function tablesSql(_dialect: Dialect): string[] {
  return [
    `create table subscription_periods (
      subscription_id varchar not null,
      customer_id varchar not null,
      start_date date not null,
      end_date date,
      monthly_amount decimal(18, 4) not null,
      currency varchar not null,
      plan varchar,
      billing_interval varchar,
      country varchar,
      industry varchar
    )`,
    `create table fx_rates (currency varchar not null, effective_date date not null, rate decimal(18, 10) not null)`,
  ];
}

/** The conversion as a reusable function: a DuckDB macro, a Postgres SQL function (inlined by the planner). */
function fxConvertSql(dialect: Dialect): string {
  const body = (units: string, rate: string) => {
    const product = `(cast(${units} as decimal(38, 10)) * ${rate})`;
    return `case when ${rate} = 1 then ${units} else cast(sign(${product}) * floor(abs(${product}) + 0.5) as bigint) end`;
  };
  return dialect === 'duckdb'
    ? `create or replace temp macro fx_convert(units, rate) as ${body('units', 'rate')}`
    : `create or replace function pg_temp.fx_convert(units bigint, rate numeric) returns bigint
       language sql immutable parallel safe as $$ select ${body('units', 'rate')} $$`;
}

const FX_CONVERT: Record<Dialect, string> = { duckdb: 'fx_convert', postgres: 'pg_temp.fx_convert' };

/**
 * The models, materialised as temporary tables (what `dbt run` builds): the month spine, the rate
 * in force at every month boundary, and the customer-month revenue with previous and
 * twelve-months-earlier MRR. Run in order; {@link dropModelsSql} removes them.
 */
export function modelsSql(dialect: Dialect, p: PlaybookParameters): string[] {
  const start = `date '${p.start}'`;
  const [startYear, startMonth] = p.start.split('-').map(Number) as [number, number];
  const monthIndexOf = (date: string) =>
    `(cast(date_part('year', ${date}) as integer) - ${startYear}) * 12 + cast(date_part('month', ${date}) as integer) - ${startMonth}`;
  return [
    fxConvertSql(dialect),
    // util_months: month m covers [month_start, month_end).
    `create temp table util_months as
     select m as month_index,
            ${ADD_MONTHS[dialect](start, 'm')} as month_start,
            ${ADD_MONTHS[dialect](start, 'm + 1')} as month_end
     from ${SERIES[dialect](0, p.months - 1)} as t(m)`,
    // The rate in force at month boundary j (the first instant of month j), from twelve months before
    // the spine so that every trailing window has one; before the first known rate, the earliest.
    `create temp table fx_by_boundary as
     with boundaries as (
       select j as boundary_index, ${ADD_MONTHS[dialect](start, 'j')} as boundary
       from ${SERIES[dialect](-12, p.months)} as t(j)
     )
     select b.boundary_index, r.currency,
            coalesce(
              (array_agg(r.rate order by r.effective_date desc) filter (where r.effective_date <= b.boundary))[1],
              (array_agg(r.rate order by r.effective_date))[1]
            ) as rate
     from boundaries b cross join fx_rates r
     group by b.boundary_index, r.currency
     union all
     select j, '${p.reportingCurrency}', 1 from ${SERIES[dialect](-12, p.months)} as t(j)`,
    `create temp table customer_revenue_by_month as
     with customers as (
       select customer_id,
              min(currency) as currency,
              min(start_date) as first_paid_at
       from subscription_periods
       where monthly_amount > 0
       group by customer_id
     ),
     customer_months as (
       -- every month from the one the customer first paid in to the end of the spine
       select c.customer_id, c.currency, c.first_paid_at, ${monthIndexOf('c.first_paid_at')} as cohort_index,
              m.month_index, m.month_start, m.month_end
       from customers c
       join util_months m on m.month_end > c.first_paid_at
     ),
     revenue as (
       select cm.customer_id, cm.currency, cm.first_paid_at, cm.cohort_index, cm.month_index, cm.month_start,
              cast(coalesce(sum(cast(p.monthly_amount * 10000 as bigint)), 0) as bigint) as mrr
       from customer_months cm
       -- (an open end as a far-future date rather than "or end_date is null": an OR in the join
       -- condition turns DuckDB's hash join into a nested loop)
       left join subscription_periods p
         on p.customer_id = cm.customer_id
        and p.start_date < cm.month_end
        and coalesce(p.end_date, date '9999-12-31') >= cm.month_end
       group by cm.customer_id, cm.currency, cm.first_paid_at, cm.cohort_index, cm.month_index, cm.month_start
     )
     select revenue.*,
            lag(mrr, 1, cast(0 as bigint)) over customer_history as previous_mrr,
            lag(mrr, 12, cast(0 as bigint)) over customer_history as mrr_12_months_ago
     from revenue
     window customer_history as (partition by customer_id order by month_index)`,
  ];
}

/** Drops what {@link modelsSql} created, so the models can be built again. */
export function dropModelsSql(): string[] {
  return ['util_months', 'fx_by_boundary', 'customer_revenue_by_month'].map(
    (t) => `drop table if exists ${t}`,
  );
}

/**
 * The monthly bridge (the playbook's `mrr` model summed per month) with NRR and GRR: one row per
 * month index that has customers, amounts in reporting-currency units.
 */
export function bridgesSql(dialect: Dialect): string {
  const convert = FX_CONVERT[dialect];
  return `
    with converted as (
      select r.month_index, r.first_paid_at, r.month_start,
             ${convert}(r.previous_mrr, fx.rate) as starting_mrr,
             ${convert}(r.mrr, fx.rate) as ending_mrr
      from customer_revenue_by_month r
      join fx_by_boundary fx on fx.currency = r.currency and fx.boundary_index = r.month_index
    ),
    classified as (
      select converted.*,
             case
               when starting_mrr > 0 and ending_mrr = 0 then 'churn'
               when starting_mrr = 0 and ending_mrr > 0 and first_paid_at >= month_start then 'new'
               when starting_mrr = 0 and ending_mrr > 0 then 'reactivation'
               when ending_mrr > starting_mrr then 'upgrade'
               when ending_mrr < starting_mrr then 'downgrade'
             end as change_category
      from converted
    )
    select month_index,
           sum(starting_mrr) as starting_mrr,
           coalesce(sum(ending_mrr) filter (where change_category = 'new'), 0) as new_business,
           coalesce(sum(ending_mrr) filter (where change_category = 'reactivation'), 0) as reactivation,
           coalesce(sum(ending_mrr - starting_mrr) filter (where change_category = 'upgrade'), 0) as expansion,
           coalesce(sum(starting_mrr - ending_mrr) filter (where change_category = 'downgrade'), 0) as contraction,
           coalesce(sum(starting_mrr) filter (where change_category = 'churn'), 0) as churn,
           sum(ending_mrr) as ending_mrr,
           sum(ending_mrr) filter (where starting_mrr > 0) / nullif(sum(starting_mrr), 0) as nrr,
           sum(least(starting_mrr, ending_mrr)) filter (where starting_mrr > 0) / nullif(sum(starting_mrr), 0) as grr
    from classified
    group by month_index
    order by month_index`;
}

/**
 * Trailing-12-month NRR and GRR: for month m, the customers paying at the first instant of the
 * window (the end of month m − 12, by `lag(mrr, 12)`), their MRR then and at the end of month m,
 * both at the rates of the window's first instant (boundary m − 11).
 */
export function trailingSql(dialect: Dialect): string {
  const convert = FX_CONVERT[dialect];
  return `
    with converted as (
      select r.month_index,
             ${convert}(r.mrr_12_months_ago, fx.rate) as starting_mrr,
             ${convert}(r.mrr, fx.rate) as ending_mrr
      from customer_revenue_by_month r
      join fx_by_boundary fx on fx.currency = r.currency and fx.boundary_index = r.month_index - 11
      where r.mrr_12_months_ago > 0
    )
    select month_index,
           sum(starting_mrr) as starting_mrr,
           sum(ending_mrr) as cohort_ending_mrr,
           sum(least(starting_mrr, ending_mrr)) as gross_retained_mrr,
           sum(ending_mrr) / sum(starting_mrr) as nrr,
           sum(least(starting_mrr, ending_mrr)) / sum(starting_mrr) as grr
    from converted
    where starting_mrr > 0
    group by month_index
    order by month_index`;
}

/**
 * The monthly revenue cohort table: cohort = month of the first paid instant; cell (c, k) = Σ the
 * cohort's MRR at the end of month c + k at the rates of month c's first instant; % of start.
 */
export function cohortsSql(dialect: Dialect): string {
  const convert = FX_CONVERT[dialect];
  return `
    with cells as (
      select r.cohort_index,
             r.month_index - r.cohort_index as age,
             count(*) as customers,
             sum(${convert}(r.mrr, fx.rate)) as mrr
      from customer_revenue_by_month r
      join fx_by_boundary fx on fx.currency = r.currency and fx.boundary_index = r.cohort_index
      group by r.cohort_index, r.month_index - r.cohort_index
    )
    select cohort_index, age, customers, mrr,
           mrr / nullif(first_value(mrr) over (partition by cohort_index order by age), 0) as percent_of_start
    from cells
    order by cohort_index, age`;
}
