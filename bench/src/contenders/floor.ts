/**
 * The floor: the least work any implementation must do once each customer's MRR at every month
 * boundary is known. Loading builds that customer × boundary matrix (local-currency units) from
 * the CSV; the timed part is a single pass over it that produces every figure the other
 * contenders produce (and is checked like them). {@link sumPerBoundary} is the bare memory pass,
 * summing the matrix per boundary, for scale.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { addMonths, convertUnits, createExchangeRates, parseInstant, parseMoney } from '@nrr/core';
import { type Dataset, readRates } from '../dataset.ts';
import { type CohortFigures, type Figures, type MonthFigures, monthLabel } from '../figures.ts';
import type { Contender, FiguresRun } from './contender.ts';

/** Boundaries before the window that a trailing window can start at. */
const LOOKBACK = 12;

/** Customer × boundary MRR matrix and what classifying needs besides. */
export interface FloorState {
  readonly customers: number;
  /** Boundaries per customer row: `months + 1` (the first instant of each month and the window's end). */
  readonly width: number;
  /** `mrr[i × width + j]`: customer i's MRR in its own currency just before boundary j, in units. */
  readonly mrr: Float64Array;
  /** Month index (from the window's start) of each customer's first paid instant. */
  readonly cohort: Int32Array;
  /** Each customer's first paid instant (epoch ms). */
  readonly firstPaidAt: Float64Array;
  /** Conversion factor per currency per boundary, from {@link LOOKBACK} boundaries before the window. */
  readonly factors: readonly Float64Array[];
  readonly currency: Int32Array;
}

function checkedField(value: string | undefined, line: number, name: string): string {
  if (value === undefined || value.startsWith('"')) {
    throw new Error(`floor: line ${line}: ${name} must be a plain unquoted field, got ${value}`);
  }
  return value;
}

/** Reads the periods CSV into the matrix (not timed as the floor: it is the model the others build). */
async function loadMatrix(dataset: Dataset): Promise<FloorState> {
  const width = dataset.months + 1;
  const boundaries = Array.from({ length: width }, (_, j) => addMonths(dataset.start, j));
  const index = new Map<string, number>();
  const currencies = new Map<string, number>();
  const rows: { customer: number; start: number; end: number; units: number }[] = [];
  const currencyOf: number[] = [];
  const firstPaid: number[] = [];
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(dataset.periodsPath, 'utf8') })) {
    line++;
    if (line === 1 || text === '') continue;
    const fields = text.split(',', 6);
    const id = checkedField(fields[1], line, 'customer_id');
    const start = parseInstant(checkedField(fields[2], line, 'start_date'));
    const endText = checkedField(fields[3], line, 'end_date');
    const end = endText === '' ? Number.POSITIVE_INFINITY : parseInstant(endText);
    const units = parseMoney(checkedField(fields[4], line, 'monthly_amount'));
    const currencyCode = checkedField(fields[5], line, 'currency');
    if (start === undefined || end === undefined || units === undefined) {
      throw new Error(`floor: line ${line}: unreadable date or amount in "${text}"`);
    }
    let customer = index.get(id);
    if (customer === undefined) {
      customer = index.size;
      index.set(id, customer);
      if (!currencies.has(currencyCode)) currencies.set(currencyCode, currencies.size);
      currencyOf.push(currencies.get(currencyCode) as number);
      firstPaid.push(Number.POSITIVE_INFINITY);
    }
    if (units > 0 && start < (firstPaid[customer] as number)) firstPaid[customer] = start;
    rows.push({ customer, start, end, units });
  }
  const customers = index.size;
  const mrr = new Float64Array(customers * width);
  for (const row of rows) {
    for (let j = 0; j < width; j++) {
      const boundary = boundaries[j] as number;
      const cell = row.customer * width + j;
      if (row.start < boundary && row.end >= boundary) mrr[cell] = (mrr[cell] as number) + row.units;
    }
  }
  const rates = createExchangeRates(dataset.reportingCurrency, readRates(dataset));
  const factors = [...currencies.keys()].map((code) =>
    Float64Array.from({ length: width + LOOKBACK }, (_, j) => {
      const rate = rates.rateAt(code, addMonths(dataset.start, j - LOOKBACK));
      if (rate === undefined) throw new Error(`floor: no rate for ${code}`);
      return rate;
    }),
  );
  const cohort = Int32Array.from(firstPaid, (at) =>
    Number.isFinite(at) ? boundaries.findIndex((b) => b > at) - 1 : -1,
  );
  return {
    customers,
    width,
    mrr,
    cohort,
    firstPaidAt: Float64Array.from(firstPaid),
    factors,
    currency: Int32Array.from(currencyOf),
  };
}

/** The engine's conversion of a non-negative amount: float product, rounded half up. */
const convert = (units: number, rate: number) => (units === 0 ? 0 : convertUnits(units, rate));

/** One pass over the matrix, customer by customer, producing every figure. */
function figuresFromMatrix(state: FloorState, dataset: Dataset): Figures {
  const { customers, width, mrr, cohort, firstPaidAt, factors, currency } = state;
  const months = width - 1;
  const boundaries = Array.from({ length: width }, (_, j) => addMonths(dataset.start, j));
  const column = () => new Float64Array(months);
  const starting = column();
  const newBusiness = column();
  const reactivation = column();
  const expansion = column();
  const contraction = column();
  const churn = column();
  const ending = column();
  const cohortEnding = column();
  const gross = column();
  const trailing = Array.from({ length: 3 }, () => new Float64Array(months)) as [
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  const cells = Array.from({ length: months }, (_, c) => new Float64Array(months - c));
  const sizes = new Int32Array(months);

  for (let i = 0; i < customers; i++) {
    const c = cohort[i] as number;
    if (c < 0 || c >= months) continue;
    const row = i * width;
    const rates = factors[currency[i] as number] as Float64Array;
    const paidAt = firstPaidAt[i] as number;
    const cohortRate = rates[c + LOOKBACK] as number;
    const cohortCells = cells[c] as Float64Array;
    sizes[c] = (sizes[c] as number) + 1;
    for (let m = c; m < months; m++) {
      const rate = rates[m + LOOKBACK] as number;
      const localEnd = mrr[row + m + 1] as number;
      const s = convert(mrr[row + m] as number, rate);
      const e = convert(localEnd, rate);
      cohortCells[m - c] = (cohortCells[m - c] as number) + convert(localEnd, cohortRate);
      if (m >= LOOKBACK - 1 && m - (LOOKBACK - 1) >= c) {
        const trailingRate = rates[m - (LOOKBACK - 1) + LOOKBACK] as number;
        const ts = convert(mrr[row + m - (LOOKBACK - 1)] as number, trailingRate);
        if (ts > 0) {
          const te = convert(localEnd, trailingRate);
          trailing[0][m] = (trailing[0][m] as number) + ts;
          trailing[1][m] = (trailing[1][m] as number) + te;
          trailing[2][m] = (trailing[2][m] as number) + Math.min(ts, te);
        }
      }
      if (s === 0 && e === 0) continue;
      ending[m] = (ending[m] as number) + e;
      if (s > 0) {
        starting[m] = (starting[m] as number) + s;
        cohortEnding[m] = (cohortEnding[m] as number) + e;
        gross[m] = (gross[m] as number) + Math.min(s, e);
        if (e === 0) churn[m] = (churn[m] as number) + s;
        else if (e > s) expansion[m] = (expansion[m] as number) + e - s;
        else if (e < s) contraction[m] = (contraction[m] as number) + s - e;
      } else if (paidAt < (boundaries[m] as number)) reactivation[m] = (reactivation[m] as number) + e;
      else newBusiness[m] = (newBusiness[m] as number) + e;
    }
  }

  const ratio = (numerator: number, denominator: number) =>
    denominator > 0 ? numerator / denominator : null;
  const monthRows: MonthFigures[] = Array.from({ length: months }, (_, m) => ({
    month: monthLabel(dataset.start, m),
    startingMrr: starting[m] as number,
    newBusiness: newBusiness[m] as number,
    reactivation: reactivation[m] as number,
    expansion: expansion[m] as number,
    contraction: contraction[m] as number,
    churn: churn[m] as number,
    endingMrr: ending[m] as number,
    nrr: ratio(cohortEnding[m] as number, starting[m] as number),
    grr: ratio(gross[m] as number, starting[m] as number),
  }));
  const cohortRows: CohortFigures[] = [];
  for (let c = 0; c < months; c++) {
    if (sizes[c] === 0) continue;
    const values = [...(cells[c] as Float64Array)];
    const initial = values[0] as number;
    cohortRows.push({
      cohort: monthLabel(dataset.start, c),
      size: sizes[c] as number,
      mrr: values.map((v, k) => (k > 0 && initial === 0 ? null : v)),
      percentOfStart: values.map((v) => ratio(v, initial)),
    });
  }
  return {
    months: monthRows,
    trailing: monthRows.map(({ month }, m) => ({
      month,
      startingMrr: trailing[0][m] as number,
      cohortEndingMrr: trailing[1][m] as number,
      grossRetainedMrr: trailing[2][m] as number,
      nrr: ratio(trailing[1][m] as number, trailing[0][m] as number),
      grr: ratio(trailing[2][m] as number, trailing[0][m] as number),
    })),
    cohorts: cohortRows,
  };
}

/** The bare memory pass: the matrix summed per boundary (local units, no conversion); returns the sums. */
export function sumPerBoundary(state: FloorState): Float64Array {
  const { customers, width, mrr } = state;
  const sums = new Float64Array(width);
  for (let i = 0; i < customers; i++) {
    const row = i * width;
    for (let j = 0; j < width; j++) sums[j] = (sums[j] as number) + (mrr[row + j] as number);
  }
  return sums;
}

/** The floor: one pass over a prepared customer × boundary matrix. */
export const floorContender: Contender<FloorState> = {
  name: 'floor',
  load: loadMatrix,
  async figures(state, dataset): Promise<FiguresRun> {
    const started = performance.now();
    const figures = figuresFromMatrix(state, dataset);
    return { figures, steps: { pass: performance.now() - started } };
  },
  async close() {},
};
