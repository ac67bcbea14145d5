/** docs/benchmarks.md, written by `pnpm bench … --write-docs` from the latest record of each section. */

import type { ApiRecord, EngineRecord } from './records.ts';
import {
  apiDefinitionsTable,
  apiDefinitionsVerdicts,
  apiHttpTable,
  apiImportTable,
  apiVerdicts,
  count,
  detailLines,
  formatMs,
  growthTable,
  markdownTable,
  sizeHeading,
  sizeTable,
  targetsTable,
} from './render.ts';

/** What the page is written from: the latest record of each section. */
export interface DocsInput {
  readonly engine: EngineRecord | undefined;
  readonly api: ApiRecord | undefined;
}

/** The whole page. */
export function renderDocs({ engine, api }: DocsInput): string {
  return [
    header(),
    engine ? engineSection(engine) : '## Engine\n\nNot run yet.',
    api ? apiSection(api) : '## API\n\nNot run yet: it needs packages/api and a Postgres server.',
    reproduce(),
  ].join('\n\n');
}

/** How the API's periods import works, beside its figures. */
const IMPORT_PATH = `The import path on Postgres: core's parser reads the file a chunk of lines at a time and
validates each row; a tenant's first import streams the spans in Postgres' binary \`COPY\` format
straight into \`mrr_spans\`, so Postgres stores them (primary key included) while Node is still
parsing, and parses no text itself; the import is one transaction, and a bad row anywhere stores
nothing. Spans are the only stored form: the API builds a tenant's timeline from them when it
first answers for that tenant (the cold column below). A later import of the tenant stages its
spans in a temporary table, also with a binary \`COPY\`, finds in one join with the tenant's spans
those that are new or differ, and upserts only those. What made the difference (migrations 0005
and 0006), in psql runs with the same 1,002,925 spans on a 2-core machine like the one below: \`COPY\` into the table took
10.3 s with the foreign key to \`tenants\` (checked once per row), 6.6 s without it but with the
database's C.UTF-8 collation on the ids, 4.4 s with the "C" collation; in binary format, with each
distinct attribute set stored once and referred to by number rather than as \`jsonb\` in every row,
the table is half the size (111 MB instead of 204 MB), its WAL 219 MB instead of 309 MB and the copy
about a quarter cheaper. What is left is the primary key, which the ceiling's bare table does not
have: the server reading the same binary spans from a file (no client at all) took 1.1–1.5 s into
the table without its primary key and 2.2–2.5 s with it (2.3 s unlogged: the index itself, not its
WAL), with over half of the server's time in B-tree insertion (\`perf\`); building the key after
the copy instead took as long. So on such a machine the import cannot go much past 0.6 of the ceiling
however fast Node is; Node's own CPU time (parsing, validation, encoding; 2.1–2.5 s) runs beside
it on the other core. Each timed step starts from a \`CHECKPOINT\`, so none pays for the WAL of
the one before; on this shared machine both the import and the ceiling still vary by about a
quarter between runs (the bench prints every run).`;

function apiSection(record: ApiRecord): string {
  return `## API: latest run

${record.stamp.slice(0, 16).replace('T', ' ')} UTC · \`${record.command}\`

${record.machine} · ${record.load.before} at the start, ${record.load.after} at the end

The API (\`createApi\` + \`listen\`, in process on a loopback port) over a fresh Postgres database
(migrated, dropped afterwards). Its answers to \`retentionSeries\` (PERIOD and TRAILING_12M, 36
months) and \`retention\` are checked against @nrr/core's figures for the same file before any
latency counts.

### Import: ${count(record.import.rows)} period rows (${count(record.import.customers)} customers), medians of ${record.import.apiMs.length} alternated runs

${markdownTable(apiImportTable(record))}

${IMPORT_PATH}

### Queries over HTTP: ${count(record.http.customers)} customers (${count(record.http.rows)} rows, loaded through the API's import path in ${formatMs(record.http.loadMs)})

${markdownTable(apiHttpTable(record))}

Cold: the first request after the API's timeline cache is dropped (the tenant's spans read from
Postgres, its timeline built, then the figures), median of three. Warm: ${record.http.concurrency} concurrent clients sending the same
query for ${record.http.seconds} s over keep-alive connections (\`node:http\`, in a worker thread of the
bench process, so the clients share the machine's two cores with the API). The API keeps whole
answers per tenant and data version and caches verified keys and tenant rows for \`cacheTtlMs\`
(1 s), so a warm request is HTTP, GraphQL parsing and a cache lookup — no database round trip.
New windows: 24 different windows sent once each by ${record.http.concurrency} clients, timeline
cached — the engine's cost per request.

${definitionsSection(record)}

### Targets (issue 6)

${markdownTable(targetsTable(apiVerdicts(record)))}

### Targets (issue 14)

${markdownTable(targetsTable(apiDefinitionsVerdicts(record)))}`;
}

/** Issue 14's line: `retention` under a non-default definition set beside the default. */
function definitionsSection(record: ApiRecord): string {
  const table = apiDefinitionsTable(record);
  const d = record.http.definitions;
  if (!table || !d) return '### Definitions override\n\nNot measured in this run.';
  return `### Definitions override: retention under a non-default definition set

${markdownTable(table)}

The same 12-month \`retention\` question with \`definitions: ${d.input}\` in its input. Cold: the
first question under that set (its own timeline built from the tenant's spans; the default's stays
cached). Warm: the default and the non-default question sent interleaved by the same
${record.http.concurrency} clients for ${record.http.seconds} s, so both meet the same conditions, each
with its own p50/p99. A SPANS-stage option (\`pause: ZERO\` and the like): ${d.spansStage}.`;
}

function engineSection(input: EngineRecord): string {
  const versions = Object.entries(input.versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  const sections = input.sizes.map((size) =>
    [
      `### ${count(size.customers)} customers`,
      '',
      sizeHeading(size),
      '',
      `Run ${size.run.stamp.slice(0, 16).replace('T', ' ')} UTC · \`${size.run.command}\` · ${size.run.load}`,
      '',
      markdownTable(sizeTable(size)),
      '',
      ...detailLines(size).map((line) => `- ${line}`),
    ].join('\n'),
  );
  return `## Engine: latest runs

${input.machine}${versions ? ` · ${versions}` : ''}

${sections.join('\n\n')}

### Growth

${markdownTable(growthTable(input.sizes))}

### Targets (issue 6)

${markdownTable(targetsTable(input.verdicts))}`;
}

function header(): string {
  return `# Benchmarks: @nrr/core beside DuckDB and Postgres

<!-- Written by \`pnpm bench … --write-docs\` (bench/src/docs.ts) from the latest results in bench-results/. -->

The figures a retention dashboard needs — every monthly MRR bridge, the trailing-12-month NRR and
GRR series and the monthly revenue cohort table (% of start), in constant currency over two
currencies, reported in USD — computed from the same generated subscription-periods CSV by:

- **@nrr/core**: the engine's own importer (\`importSubscriptionPeriods\`), then \`buildTimeline\`
  (spans straight to the engine's columns), \`computeRetentionSeries\` (PERIOD and TRAILING_12M) and
  \`computeCohorts\`. One core. Building the timeline is counted in the figures, as DuckDB's and
  Postgres's models are in theirs.
- **DuckDB** (\`@duckdb/node-api\`, in process, in memory): \`read_csv\` into a bare table, then SQL
  written the way the dbt MRR playbook models MRR — month spine, customer-month revenue, \`lag()\`
  for the previous and twelve-months-earlier MRR, a change category per customer-month — materialised
  as temporary tables, then the bridge, trailing and cohort queries (\`bench/src/sql/playbook.ts\`).
  DuckDB uses all its threads (its default).
- **Postgres** (this machine's server, a schema of its own, dropped afterwards): \`COPY … FROM STDIN\`
  into a bare table, then the same SQL. \`work_mem\` is raised to 256 MB for the session.
- **floor**: the least work any implementation must do once each customer's MRR at every month
  boundary is known — a single pass over a customer × boundary \`Float64Array\` that produces every
  figure (the matrix is built from the CSV as its import). The bare memory pass (the matrix summed
  per boundary, no figures) is listed beside it.

Each contender runs in its own child process, alternated (core, DuckDB, Postgres, floor, core, …);
each process loads the files once (**import**), then computes the figures three times: the first
is **cold** (fresh process, JIT and caches cold), the median of the others is **warm**. The tables
show medians over the runs. "× @nrr/core" is the contender's time divided by the engine's (above 1:
slower than the engine); "× floor" likewise against the floor. Peak RSS is the child process's
\`maxRSS\`; for Postgres that is the client only, the server's own memory is not counted.

**Every contender's figures are checked against @nrr/core's before its time counts**: every
bridge amount and the trailing and cohort sums must be identical in units (1/10,000 USD), NRR, GRR
and cohort percentages within 1e-9. A mismatch stops the run and names the first differing month.

Dataset: \`generatePeriods\` (seed 42, from 2023-01-01): plans, seats, annual billing, retention
discounts, add-ons, upgrades, downgrades, churn and reactivations, 80% USD / 20% EUR, with
\`generateExchangeRates\` as the rate table. Dates fall mid-month, so the SQL samples each month's MRR
just before the month's end boundary, exactly as the engine does (see the notes in playbook.ts).

Currency conversion is exact in every contender, as in @nrr/core's \`convertUnits\`: the rate is the
decimal it is written as (\`decimal(18,10)\` in SQL), units × rate is exact and rounds half away from
zero to a whole unit. (An earlier engine multiplied in double precision and misrounded exact ties;
the benchmark's cross-check found it.)

Amounts load as \`decimal(18,4)\` (exact; up to 10^14 currency units per row). DuckDB keeps widths up
to 18 in 64-bit integers and wider ones in 128-bit, which made its models about a third slower in a
trial with \`decimal(20,4)\`; 18 digits is the fair choice for it and changes nothing for Postgres.
Sums are exact (\`hugeint\` in DuckDB, \`numeric\` in Postgres).

How @nrr/core stays near the floor (packages/core/src/timeline.ts, internal/period-engine.ts):
\`buildTimeline\` reads each span once, in runs of one customer's consecutive rows (sorted only when
the rows are not already in id order), sums and coalesces each customer's steps in reused scratch
buffers, and writes the change points into packed arrays (no object per customer; typed arrays would
be external memory, whose fixed allowance makes each large build force a full collection of the
whole heap). A series is evaluated customer by customer: the customer's MRR at every boundary is
sampled into a small reused row, then every window (36 months, or 36 trailing years) is classified
from that row — no customer × month matrix is ever materialised, so memory stays O(customers).
Conversion rounds exactly with integer doubles and falls back to bigints only beyond 2^53.`;
}

function reproduce(): string {
  return `## Reproduce

\`\`\`sh
npm i -g pnpm && pnpm install
pnpm bench       # after core's and the API's own benches: 10,000 and 100,000 customers, the API section
pnpm bench:full  # this whole page in one run (about 20 minutes on 2 cores): the three sizes, a 1,000,000-row import
\`\`\`

\`pnpm bench:full\` is \`pnpm --filter @nrr/bench bench --full\`: sizes 10,000, 100,000 and 1,000,000
customers, the 525,000-customer file (1,002,925 rows) imported in 5 alternated rounds, and this page
rewritten. Sizes below 1,000,000 customers run 3 alternated rounds of 3 computations per process
(\`--runs\`, \`--repeat\`); 1,000,000 customers run one round of two (\`--large-runs\`,
\`--large-repeat\`), since one Postgres computation there takes minutes and a single cold one swings
by 2× with the JIT and the collector. One section or size alone:
\`pnpm --filter @nrr/bench bench --sections engine --sizes 1000000\`, or \`--sections api
--api-import-customers 525000 --api-runs 5\`; \`--write-docs\` merges what it measured into this page.

Postgres is read from \`DATABASE_URL\` (default \`postgres://postgres@127.0.0.1:5432/test\`); when it does
not answer, the run says so and goes on without it. The latest results of each section are kept in
\`bench-results/\` (not committed) and \`--write-docs\` rewrites this page from them. On a shared
machine other work skews timings (each run records the load average): compare runs made on an idle one.

To work on the API's request path, \`pnpm --filter @nrr/bench api-driver\` loads a 100,000-customer tenant
into a database it keeps (\`nrr_api_driver_…\`) and puts the API section's HTTP load on it; later runs
reuse the database, \`--cache-ttl 0,1000 --rounds 2\` compares settings in one process, and \`--drop\` removes it.
`;
}
