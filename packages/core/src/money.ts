/**
 * Exact money. Amounts inside the engine are integers counting 1/10,000 of a currency unit
 * ("units"), so sums are exact and a JavaScript number holds up to about 900 billion currency
 * units without loss. Rounding is half away from zero and happens only where the semantics say:
 * when a price is normalised to a month, when a foreign amount is converted, and when formatting.
 */

/** An exact amount in 1/10,000 of a currency unit (an integer). */
export type MoneyUnits = number;

/** Units per currency unit: 4 decimal places (retention semantics §1). */
export const MONEY_SCALE = 10_000;

const DECIMAL = /^([+-])?(\d+)(?:\.(\d*))?$|^([+-])?\.(\d+)$/;

/**
 * Parses a decimal string ("166.6667", "-5", "+0.5", ".25") into exact units without passing
 * through a binary float. Digits beyond the fourth decimal are rounded half away from zero.
 * Returns `undefined` for anything that is not a plain decimal number (no exponents, no
 * thousands separators, no currency symbols) or whose magnitude exceeds what units can hold.
 */
export function parseMoney(text: string): MoneyUnits | undefined {
  const match = DECIMAL.exec(text.trim());
  if (!match) return undefined;
  const sign = (match[1] ?? match[4]) === '-' ? -1 : 1;
  const whole = match[2] ?? '0';
  const fraction = match[3] ?? match[5] ?? '';
  const kept = `${fraction}0000`.slice(0, 4);
  const roundDigit = fraction.length > 4 ? Number(fraction[4]) : 0;
  const magnitude = BigInt(whole) * 10_000n + BigInt(kept) + (roundDigit >= 5 ? 1n : 0n);
  if (magnitude > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  const units = Number(magnitude);
  return units === 0 ? 0 : sign * units;
}

/** Formats units as a plain decimal string with at most 4 decimals and no trailing zeros ("166.6667", "55"). */
export function formatMoneyUnits(units: MoneyUnits): string {
  if (!Number.isSafeInteger(units)) throw new RangeError(`money units must be a safe integer, got ${units}`);
  const negative = units < 0;
  const magnitude = Math.abs(units);
  const whole = Math.floor(magnitude / MONEY_SCALE);
  const fraction = String(magnitude % MONEY_SCALE)
    .padStart(4, '0')
    .replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** Converts units to a JavaScript number of currency units, for display and charts only. */
export function unitsToNumber(units: MoneyUnits): number {
  return units / MONEY_SCALE;
}

/** Converts a number of currency units to units, rounding half away from zero (for generated data and tests). */
export function unitsFromNumber(amount: number): MoneyUnits {
  return roundHalfAwayFromZero(amount * MONEY_SCALE);
}

/** Rounds half away from zero (2.5 → 3, −2.5 → −3). */
export function roundHalfAwayFromZero(value: number): number {
  const rounded = Math.round(Math.abs(value));
  return value < 0 && rounded !== 0 ? -rounded : rounded;
}

/**
 * Exact `numerator / denominator` rounded half away from zero, on bigints so that products of
 * large amounts and day counts never lose precision. The denominator must be positive.
 */
export function divideRounded(numerator: bigint, denominator: bigint): MoneyUnits {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  const quotient = (magnitude * 2n + denominator) / (denominator * 2n);
  const result = Number(quotient);
  return negative && result !== 0 ? -result : result;
}

/** A rate's shortest decimal form as an exact fraction `numerator / 10^scale`, cached per rate. */
const exactRates = new Map<number, { numerator: bigint; denominator: bigint }>();

function exactRate(rate: number): { numerator: bigint; denominator: bigint } {
  let exact = exactRates.get(rate);
  if (!exact) {
    // String(rate) is the shortest decimal that reads back as this float: the rate as written.
    const [mantissa = '0', exponent = '0'] = String(rate).toLowerCase().split('e');
    const [whole = '0', fraction = ''] = mantissa.split('.');
    const scale = fraction.length - Number(exponent);
    const digits = BigInt(`${whole}${fraction}`);
    exact =
      scale >= 0
        ? { numerator: digits, denominator: 10n ** BigInt(scale) }
        : { numerator: digits * 10n ** BigInt(-scale), denominator: 1n };
    if (exactRates.size > 10_000) exactRates.clear();
    exactRates.set(rate, exact);
  }
  return exact;
}

/** The last rate's exact fraction, as numbers too when they are safe integers (the common case). */
let lastRate = Number.NaN;
let lastExact: { numerator: bigint; denominator: bigint } = { numerator: 1n, denominator: 1n };
let lastNumerator = 0;
let lastDenominator = 0;

/**
 * Converts an amount to another currency with a rate (target units per source unit), rounding
 * half away from zero, exactly: the rate counts as the decimal it is written as (1.08 is 108/100,
 * not the nearest binary float). The float product decides unless it lands within a hair of a
 * half, where the exact decimal product does (in integer doubles while it stays below 2^53,
 * else in bigints).
 */
export function convertUnits(units: MoneyUnits, rate: number): MoneyUnits {
  if (rate === 1) return units;
  const product = units * rate;
  const magnitude = Math.abs(product);
  // The float product is within |product| × 2^-52 of the exact one (the rate's float and the
  // product each round once): unless that close to a half, the float rounds the same way.
  // (`magnitude - Math.floor(magnitude)` is the fraction; `% 1` would call fmod, several times slower.)
  if (Math.abs(magnitude - Math.floor(magnitude) - 0.5) > magnitude * 1e-15 + 1e-9) {
    const rounded = Math.round(magnitude);
    return product < 0 && rounded !== 0 ? -rounded : rounded;
  }
  return convertNearHalf(units, rate);
}

/** {@link convertUnits} where the float product is too close to a half to decide: exact arithmetic. */
function convertNearHalf(units: MoneyUnits, rate: number): MoneyUnits {
  if (rate !== lastRate) {
    lastExact = exactRate(rate);
    lastRate = rate;
    const numerator = Number(lastExact.numerator);
    const denominator = Number(lastExact.denominator);
    const safe = Number.isSafeInteger(numerator) && Number.isSafeInteger(denominator);
    lastNumerator = safe ? numerator : 0;
    lastDenominator = safe ? denominator : 0;
  }
  if (lastDenominator > 0) {
    const exact = Math.abs(units) * lastNumerator;
    // Below 2^53 the product of two integers is exact, and so are the steps below.
    if (exact <= Number.MAX_SAFE_INTEGER) {
      let quotient = Math.floor(exact / lastDenominator);
      let remainder = exact - quotient * lastDenominator;
      if (remainder < 0) {
        quotient--;
        remainder += lastDenominator;
      } else if (remainder >= lastDenominator) {
        quotient++;
        remainder -= lastDenominator;
      }
      const rounded = 2 * remainder >= lastDenominator ? quotient + 1 : quotient;
      return units < 0 && rounded !== 0 ? -rounded : rounded;
    }
  }
  return divideRounded(BigInt(units) * lastExact.numerator, lastExact.denominator);
}
