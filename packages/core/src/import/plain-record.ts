/**
 * The fields of a plain record (one line, no quotes; see `CsvSink.plain`) read in place: a cursor
 * over the line that finds a field, trimmed, and compares or parses it without slicing it out.
 */
import { amountIn, type DecimalSeparator, dateIn } from './csv-values.ts';

/**
 * Whether `value` occurs in `text` at `from`: `text.startsWith(value, from)` without the call into
 * the built-in (which, for the short ids and codes of a row, cost more than the comparison).
 */
export function occursAt(text: string, from: number, value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    if (text.charCodeAt(from + i) !== value.charCodeAt(i)) return false;
  }
  return true;
}

/** Whitespace that `String.prototype.trim` removes, by UTF-16 code unit. */
function isTrimmed(code: number): boolean {
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

const NO_ENDS = new Int32Array(0);

/**
 * A cursor over one plain record: {@link load} it with the line and its field ends, then
 * {@link field} selects a field, trimmed, as `[from, to)` of {@link text}. One cursor serves every
 * record of a file.
 */
export class PlainRecord {
  text = '';
  private ends: Int32Array = NO_ENDS;
  /** The field found by {@link field}: `[from, to)` of the line, trimmed. */
  from = 0;
  to = 0;

  /** Points the cursor at a record (`ends` as `CsvSink.plain` gives them). */
  load(text: string, ends: Int32Array): this {
    this.text = text;
    this.ends = ends;
    return this;
  }

  /** Selects field `index`, trimmed. */
  field(index: number): void {
    const text = this.text;
    let from = this.startOf(index);
    let to = this.ends[index] as number;
    while (from < to && isTrimmed(text.charCodeAt(from))) from++;
    while (to > from && isTrimmed(text.charCodeAt(to - 1))) to--;
    this.from = from;
    this.to = to;
  }

  /** Whether the selected field is empty. */
  get empty(): boolean {
    return this.from === this.to;
  }

  /** Whether the selected field is `value`, compared in place. */
  is(value: string): boolean {
    return value.length === this.to - this.from && occursAt(this.text, this.from, value);
  }

  /** The selected field, as `previous` when it is the same (no new string), else sliced. */
  repeated(previous: string | undefined): string {
    return previous !== undefined && this.is(previous) ? previous : this.slice();
  }

  /** The selected field as a string. */
  slice(): string {
    return this.text.slice(this.from, this.to);
  }

  /** Where field `index` starts, untrimmed (with {@link endOf}: the text of consecutive fields). */
  startOf(index: number): number {
    return index === 0 ? 0 : (this.ends[index - 1] as number) + 1;
  }

  /** Where field `index` ends, untrimmed. */
  endOf(index: number): number {
    return this.ends[index] as number;
  }

  /** The selected field's date, or NaN unless it is a valid date or date-time. */
  date(): number {
    return dateIn(this.text, this.from, this.to);
  }

  /** The selected field's amount in units, or `undefined` unless it is one. */
  amount(decimal: DecimalSeparator | undefined): number | undefined {
    return amountIn(this.text, this.from, this.to, decimal);
  }
}
