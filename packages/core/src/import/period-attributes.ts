/**
 * Sharing what the rows of a periods file repeat: a customer's rows usually come together and
 * carry the same ids, currency and attributes, and a file has few distinct currencies and
 * attribute values. Shared strings and attribute objects (rows are read-only) keep a large
 * import's rows much smaller, and a plain record's attributes are found in place.
 */
import { type Column, setAttribute } from './fields.ts';
import type { PeriodColumns, SubscriptionPeriodRow } from './period-row.ts';
import { occursAt, type PlainRecord } from './plain-record.ts';

/** Distinct values per attribute column that a plain record's value is first compared with. */
const KNOWN_VALUES_PER_COLUMN = 16;
/** Most attribute columns whose combinations of known values are numbered exactly: 17^12 < 2^53. */
const MAX_NUMBERED_ATTRIBUTE_COLUMNS = 12;
/** Most attribute objects kept for reuse by their combination of known values. */
const MAX_ATTRIBUTE_COMBINATIONS = 10_000;

/**
 * The previous row's values, which both paths of the periods reader compare with, and one string
 * per distinct value.
 */
export class SharedValues {
  subscriptionId: string | undefined;
  customerId: string | undefined;
  currency: string | undefined;
  /** The previous row's attributes, and their values by attribute column (`undefined`: empty). */
  attributes: Readonly<Record<string, string>> | undefined;
  /** The text of the previous row's attribute columns, when the plain path read them as one. */
  attributesText: string | undefined;
  attributeValues: (string | undefined)[] = [];
  private readonly values = new Map<string, string>();

  /** The row of the general path, with its values shared. */
  share(row: SubscriptionPeriodRow, columns: PeriodColumns): SubscriptionPeriodRow {
    const subscriptionId =
      row.subscriptionId === this.subscriptionId ? this.subscriptionId : row.subscriptionId;
    const customerId = row.customerId === this.customerId ? this.customerId : row.customerId;
    const currency = this.value(row.currency);
    const attributes =
      this.attributes !== undefined && sameAttributes(row.attributes, this.attributes)
        ? this.attributes
        : this.shareAttributes(row.attributes, columns);
    this.subscriptionId = subscriptionId;
    this.customerId = customerId;
    this.currency = currency;
    this.attributesText = undefined;
    return {
      line: row.line,
      subscriptionId,
      customerId,
      start: row.start,
      end: row.end,
      monthlyAmount: row.monthlyAmount,
      currency,
      attributes,
    };
  }

  /** One string per distinct value, for the first 10,000 distinct values (then copies). */
  value(text: string): string {
    const known = this.values.get(text);
    if (known !== undefined) return known;
    if (this.values.size < 10_000) this.values.set(text, text);
    return text;
  }

  private shareAttributes(
    attributes: Readonly<Record<string, string>>,
    columns: PeriodColumns,
  ): Readonly<Record<string, string>> {
    for (const key of Object.keys(attributes)) {
      setAttribute(attributes as Record<string, string>, key, this.value(attributes[key] as string));
    }
    const values = this.attributeValues;
    for (let k = 0; k < columns.attributes.length; k++) {
      const label = (columns.attributes[k] as Column).label;
      values[k] = Object.hasOwn(attributes, label) ? attributes[label] : undefined;
    }
    this.attributes = attributes;
    return attributes;
  }
}

function sameAttributes(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  let count = 0;
  for (const key in a) {
    if (a[key] !== b[key]) return false;
    count++;
  }
  for (const _ in b) count--;
  return count === 0;
}

/**
 * The attributes of plain records, read in place and shared with earlier rows (see
 * {@link PlainAttributes.read}).
 */
export class PlainAttributes {
  /** Per attribute column, its first distinct values (see {@link knownValue}). */
  private readonly knownValues: string[][] = [];
  /** The value found by {@link knownValue}. */
  private attributeValue = '';
  /** Attribute objects by the number of their combination of known values (see {@link ofFields}). */
  private readonly combinations = new Map<number, Readonly<Record<string, string>>>();
  /**
   * Attribute objects, and their values by column, by the text of the attribute columns when
   * those are contiguous; `undefined` when they are not, or once there were too many.
   */
  private byText:
    | Map<string, { attributes: Readonly<Record<string, string>>; values: (string | undefined)[] }>
    | undefined;

  constructor(
    private readonly columns: readonly Column[],
    private readonly shared: SharedValues,
  ) {
    const indexes = columns.map((column) => column.index);
    if (indexes.every((index, k) => index === (indexes[0] as number) + k)) this.byText = new Map();
  }

  /**
   * The attributes of a plain record. When the attribute columns are contiguous, their text as one
   * (separators included) names the object: the previous row's when the text is the same
   * (compared in place), else that of an earlier row with the same text (the first
   * {@link MAX_ATTRIBUTE_COMBINATIONS} distinct texts are kept; past that, no more lookups by text).
   * Otherwise, or for a new text, {@link ofFields}.
   */
  read(record: PlainRecord): Readonly<Record<string, string>> {
    const shared = this.shared;
    const previous = shared.attributeValues;
    const attributeColumns = this.columns;
    const count = attributeColumns.length;
    const byText = this.byText;
    let key: string | undefined;
    if (byText !== undefined && count > 0) {
      // Contiguous attribute columns: their text, separators included, names the object.
      const from = record.startOf((attributeColumns[0] as Column).index);
      const to = record.endOf((attributeColumns[count - 1] as Column).index);
      const last = shared.attributesText;
      if (last !== undefined && last.length === to - from && occursAt(record.text, from, last)) {
        return shared.attributes as Readonly<Record<string, string>>;
      }
      key = record.text.slice(from, to);
      const known = byText.get(key);
      if (known !== undefined) {
        for (let k = 0; k < count; k++) previous[k] = known.values[k];
        shared.attributes = known.attributes;
        shared.attributesText = key;
        return known.attributes;
      }
    }
    const attributes = this.ofFields(record);
    if (key !== undefined && byText !== undefined) {
      if (byText.size < MAX_ATTRIBUTE_COMBINATIONS) {
        // A copy of the key, so that it does not keep the whole chunk of text it was cut from.
        byText.set(key.split('').join(''), { attributes, values: previous.slice(0, count) });
        shared.attributesText = key;
      } else {
        // Too many distinct sets: the lookup rarely pays.
        this.byText = undefined;
        shared.attributesText = undefined;
      }
    }
    return attributes;
  }

  /**
   * {@link read} field by field: the previous row's object when every value is the same, else the
   * object of an earlier row with the same values when each is a known value of its column (see
   * {@link knownValue}; such combinations are numbered in base `KNOWN_VALUES_PER_COLUMN + 1`),
   * else a new object.
   */
  private ofFields(record: PlainRecord): Readonly<Record<string, string>> {
    const shared = this.shared;
    const previous = shared.attributeValues;
    const attributeColumns = this.columns;
    const count = attributeColumns.length;
    let same = shared.attributes !== undefined;
    for (let k = 0; k < count && same; k++) {
      record.field((attributeColumns[k] as Column).index);
      const value = previous[k];
      same = value === undefined ? record.empty : record.is(value);
    }
    if (same) return shared.attributes as Readonly<Record<string, string>>;
    // The combination's number, or -1 when a value is not known or the number would not be exact.
    let combination = count <= MAX_NUMBERED_ATTRIBUTE_COLUMNS ? 0 : -1;
    let place = 1;
    for (let k = 0; k < count; k++) {
      record.field((attributeColumns[k] as Column).index);
      let digit = KNOWN_VALUES_PER_COLUMN;
      if (record.empty) previous[k] = undefined;
      else {
        digit = this.knownValue(record, k);
        previous[k] = this.attributeValue;
      }
      if (digit < 0) combination = -1;
      else if (combination >= 0) combination += digit * place;
      place *= KNOWN_VALUES_PER_COLUMN + 1;
    }
    if (combination >= 0) {
      const known = this.combinations.get(combination);
      if (known !== undefined) {
        shared.attributes = known;
        return known;
      }
    }
    const attributes: Record<string, string> = {};
    for (let k = 0; k < count; k++) {
      const value = previous[k];
      if (value !== undefined) setAttribute(attributes, (attributeColumns[k] as Column).label, value);
    }
    if (combination >= 0 && this.combinations.size < MAX_ATTRIBUTE_COMBINATIONS) {
      this.combinations.set(combination, attributes);
    }
    shared.attributes = attributes;
    return attributes;
  }

  /**
   * The value of attribute column `k` in the record's selected field, as its position among the
   * column's first {@link KNOWN_VALUES_PER_COLUMN} distinct values (attribute columns usually have
   * few), found in place; -1 when it is not one of them (then {@link attributeValue} holds it,
   * sliced and shared).
   */
  private knownValue(record: PlainRecord, k: number): number {
    let known = this.knownValues[k];
    if (known === undefined) {
      known = [];
      this.knownValues[k] = known;
    }
    const first = record.text.charCodeAt(record.from);
    for (let i = 0; i < known.length; i++) {
      const value = known[i] as string;
      if (value.charCodeAt(0) === first && record.is(value)) {
        this.attributeValue = value;
        return i;
      }
    }
    const value = this.shared.value(record.slice());
    this.attributeValue = value;
    if (known.length === KNOWN_VALUES_PER_COLUMN) return -1;
    known.push(value);
    return known.length - 1;
  }
}
