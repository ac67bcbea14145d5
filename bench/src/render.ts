/**
 * The report: one table per size, the growth across sizes, the targets, as plain text for the
 * terminal and as Markdown for docs/benchmarks.md.
 */
import type { ApiRecord } from './records.ts';
import { contenderAt, median, type SizeSummary, type TargetVerdict } from './summary.ts';

/** A table: header and rows of cells. */
export interface Table {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** `412 ms`, `3.21 s`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  return ms < 1000 ? `${ms < 10 ? ms.toFixed(1) : ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** `1.8 GB`, `312 MB`. */
export function formatBytes(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(2)} GB` : `${(bytes / 1024 ** 2).toFixed(0)} MB`;
}

const ratio = (value: number, base: number | undefined) =>
  base === undefined || !(base > 0) ? '—' : `${(value / base).toFixed(value / base < 10 ? 2 : 1)}×`;

/** A number with thousands separators. */
export const count = (n: number) => n.toLocaleString('en-US');

/** The per-size table: medians, ratios to @nrr/core and to the floor, peak memory. */
export function sizeTable(size: SizeSummary): Table {
  const core = contenderAt(size, 'core');
  const floor = contenderAt(size, 'floor');
  return {
    header: [
      'contender',
      'import (CSV → ready)',
      'figures, warm',
      '× @nrr/core',
      '× floor',
      'figures, cold',
      'import + cold',
      '× @nrr/core',
      'peak RSS',
    ],
    rows: size.contenders.map((c) => [
      c.name,
      formatMs(c.importMs),
      formatMs(c.warmMs),
      ratio(c.warmMs, core?.warmMs),
      ratio(c.warmMs, floor?.warmMs),
      formatMs(c.coldMs),
      formatMs(c.endToEndMs),
      ratio(c.endToEndMs, core?.endToEndMs),
      c.key === 'postgres' ? `${formatBytes(c.maxRssBytes)} (client only)` : formatBytes(c.maxRssBytes),
    ]),
  };
}

/** Step medians per contender, and the COPY and memory-pass figures. */
export function detailLines(size: SizeSummary): string[] {
  const lines = size.contenders.map((c) => {
    const steps = Object.entries(c.steps)
      .map(([name, ms]) => `${name} ${formatMs(ms)}`)
      .join(', ');
    return `${c.name}: ${steps}`;
  });
  const postgres = contenderAt(size, 'postgres');
  const copyMs = postgres?.extra.copyMs;
  if (copyMs !== undefined) {
    lines.push(
      `Postgres COPY of the periods file into a bare table: ${count(size.rows)} rows in ${formatMs(copyMs)} = ` +
        `${count(Math.round(size.rows / (copyMs / 1000)))} rows/s (the import ceiling)`,
    );
  }
  const sumMs = contenderAt(size, 'floor')?.extra.sumMs;
  if (sumMs !== undefined) {
    lines.push(`memory pass (the matrix summed per boundary, no figures): ${formatMs(sumMs)}`);
  }
  return lines;
}

/** Figures time and peak RSS of each contender at each size, with the growth per step. */
export function growthTable(sizes: readonly SizeSummary[]): Table {
  const sorted = [...sizes].sort((a, b) => a.customers - b.customers);
  const keys = [...new Set(sorted.flatMap((s) => s.contenders.map((c) => c.key)))];
  const header = ['contender'];
  for (const [i, size] of sorted.entries()) {
    header.push(`${count(size.customers)}: figures / RSS`);
    const previous = sorted[i - 1];
    if (previous) header.push(`growth ×${count(size.customers / previous.customers)} customers`);
  }
  const rows = keys.map((key) => {
    const name = sorted.map((s) => contenderAt(s, key)?.name).find(Boolean) ?? key;
    const row = [name];
    for (const [i, size] of sorted.entries()) {
      const c = contenderAt(size, key);
      row.push(c ? `${formatMs(c.warmMs)} / ${formatBytes(c.maxRssBytes)}` : '—');
      const previous = sorted[i - 1];
      if (previous) {
        const p = contenderAt(previous, key);
        row.push(
          c && p ? `time ${ratio(c.warmMs, p.warmMs)}, RSS ${ratio(c.maxRssBytes, p.maxRssBytes)}` : '—',
        );
      }
    }
    return row;
  });
  return { header, rows };
}

/** The targets as a table. */
export function targetsTable(verdicts: readonly TargetVerdict[]): Table {
  return {
    header: ['target', 'result', 'measured'],
    rows: verdicts.map((v) => [v.target, v.verdict, v.evidence]),
  };
}

/** A table as aligned plain text. */
export function textTable(table: Table): string {
  const widths = table.header.map((h, i) =>
    Math.max(h.length, ...table.rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ');
  return [line(table.header), widths.map((w) => '─'.repeat(w)).join('  '), ...table.rows.map(line)].join(
    '\n',
  );
}

/** A table as GitHub Markdown. */
export function markdownTable(table: Table): string {
  const escapeCell = (cell: string) => cell.replaceAll('|', '\\|');
  return [
    `| ${table.header.map(escapeCell).join(' | ')} |`,
    `|${table.header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...table.rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
  ].join('\n');
}

function repeatOf(size: SizeSummary): number {
  if (size.repeat !== undefined) return size.repeat;
  const match = /--repeat (\d+)/.exec(size.run.command);
  return match ? Number(match[1]) : 3;
}

/** `n` and the word, plural unless `n` is 1. */
export function plural(n: number, word: string): string {
  return `${n} ${n === 1 ? word : `${word}s`}`;
}

/** Heading line of a size: customers, months, rows and file size. */
export function sizeHeading(size: SizeSummary): string {
  return (
    `${count(size.customers)} customers × ${size.months} months — ${count(size.rows)} period rows, ` +
    `${formatBytes(size.bytes)} CSV (generated in ${formatMs(size.generateMs)}), ${size.contenders[0]?.runs === 1 ? 'one run' : `medians of ${size.contenders[0]?.runs ?? 0} runs`}, ` +
    `${plural(repeatOf(size), 'computation')} per process`
  );
}

/** Import throughput: the API's import path against COPY of the same file. */
export function apiImportTable(record: ApiRecord): Table {
  const { import: imported } = record;
  return {
    header: ['path', 'median time', 'rows/s', 'share of COPY'],
    rows: [
      [
        '@nrr/api import into a new tenant (parse, validate, store spans; one transaction)',
        formatMs(median(imported.apiMs)),
        count(Math.round(imported.apiRowsPerSecond)),
        `${(imported.apiRowsPerSecond / imported.copyRowsPerSecond).toFixed(2)}`,
      ],
      ...(imported.reimportMs && imported.reimportMs.length > 0
        ? [
            [
              '@nrr/api import of the same file again (every row compared, nothing changes)',
              formatMs(median(imported.reimportMs)),
              count(Math.round(imported.rows / (median(imported.reimportMs) / 1000))),
              `${(imported.rows / (median(imported.reimportMs) / 1000) / imported.copyRowsPerSecond).toFixed(2)}`,
            ],
          ]
        : []),
      [
        'COPY … FROM STDIN into a bare table (the ceiling)',
        formatMs(median(imported.copyMs)),
        count(Math.round(imported.copyRowsPerSecond)),
        '1.00',
      ],
    ],
  };
}

/** Query latency over HTTP, cold and warm. */
export function apiHttpTable(record: ApiRecord): Table {
  return {
    header: ['query', 'cold', `warm p50`, 'warm p99', 'warm req/s', 'new windows p50', 'new windows p99'],
    rows: record.http.queries.map((q) => [
      q.name,
      formatMs(q.coldMs),
      formatMs(q.warm.p50),
      formatMs(q.warm.p99),
      q.warm.requestsPerSecond.toFixed(0),
      formatMs(q.uncached.p50),
      formatMs(q.uncached.p99),
    ]),
  };
}

/** Issue 14's line: warm `retention` under a non-default definition set beside the default. */
export function apiDefinitionsTable(record: ApiRecord): Table | undefined {
  const d = record.http.definitions;
  if (!d) return undefined;
  return {
    header: ['retention (12 months)', 'cold', 'warm p50', 'warm p99', 'warm requests', 'p99 × default'],
    rows: [
      [
        'tenant settings (default)',
        '(cached)',
        formatMs(d.base.p50),
        formatMs(d.base.p99),
        count(d.base.requests),
        '1.00×',
      ],
      [
        `definitions: ${d.input}`,
        formatMs(d.coldMs),
        formatMs(d.other.p50),
        formatMs(d.other.p99),
        count(d.other.requests),
        `${(d.other.p99 / d.base.p99).toFixed(2)}×`,
      ],
    ],
  };
}

/** Issue 14's target, judged. */
export function apiDefinitionsVerdicts(record: ApiRecord): TargetVerdict[] {
  const d = record.http.definitions;
  const target = `warm retention p99 under a non-default definition set within 1.5× the default's at ${count(record.http.customers)} customers`;
  if (!d) return [{ target, verdict: 'not measured', evidence: '' }];
  const ratio = d.other.p99 / d.base.p99;
  return [
    {
      target,
      verdict: ratio <= 1.5 ? 'met' : 'missed',
      evidence: `p99 ${formatMs(d.other.p99)} against ${formatMs(d.base.p99)} = ${ratio.toFixed(2)}× (interleaved, ${record.http.concurrency} clients); cold ${formatMs(d.coldMs)}`,
    },
  ];
}

/** The API targets of issue 6, judged. */
export function apiVerdicts(record: ApiRecord): TargetVerdict[] {
  const share = record.import.apiRowsPerSecond / record.import.copyRowsPerSecond;
  const retention = record.http.queries.find((q) => q.name.startsWith('retention ('));
  return [
    {
      target: 'Import at least half the rows/s of plain COPY',
      verdict: share >= 0.5 ? 'met' : 'missed',
      evidence: `${count(Math.round(record.import.apiRowsPerSecond))} rows/s = ${share.toFixed(2)} of COPY's ${count(Math.round(record.import.copyRowsPerSecond))} (${count(record.import.rows)} rows)`,
    },
    retention
      ? {
          target: `API warm p99 under 50 ms for retention at ${count(record.http.customers)} customers, ${record.http.concurrency} clients`,
          verdict: retention.warm.p99 < 50 ? 'met' : 'missed',
          evidence: `p99 ${formatMs(retention.warm.p99)} (new windows each time: p99 ${formatMs(retention.uncached.p99)})`,
        }
      : { target: 'API warm p99 under 50 ms for retention', verdict: 'not measured', evidence: '' },
  ];
}
