/**
 * The `nrr` command line:
 *   nrr import --tenant <id> --format periods|invoice-lines|events [--map COLUMN=FIELD …] [--currency X]
 *     [--delimiter ,|;|tab] [--decimal .|,] <file>
 *   nrr imports list --tenant <id> [--first N]   (the import history, with row and error counts)
 *   nrr keys create --tenant <id> [--name …] [--scope read|read_write]   (prints the key as its last line)
 *   nrr keys list --tenant <id>
 *   nrr keys revoke --tenant <id> <keyId>
 *   nrr tenants create <id> [--name …] [--currency X] [--origin URL …] | nrr tenants list
 *   nrr tenants origins <id> [URL …]
 *   nrr tenants settings --tenant <id> [--set name=value …]   (prints the resolved definitions)
 *   nrr compare --tenant <id> --from YYYY-MM-DD --to YYYY-MM-DD [--a name=value …] --b name=value …
 *     (the definition diff: both bridges, b − a per line, the customers whose movements differ)
 *   nrr rates set --tenant <id> --currency X --rate R --from YYYY-MM-DD
 *   nrr webhooks create --tenant <id> --url URL [--event TYPE …]   (prints the signing secret as its last line)
 *   nrr webhooks list|delete|deliveries|redeliver --tenant <id> …   (see USAGE)
 *   nrr stripe connect --tenant <id> --secret whsec_…   (prints only the secret's fingerprint)
 *   nrr stripe connect --tenant <id> --remove fp_…
 *   nrr stripe secrets --tenant <id>
 *   nrr stripe backfill --tenant <id> <page.json> [<page.json> …]   (saved GET /v1/events or /v1/subscriptions pages)
 *   nrr serve [--port 4000]
 *   nrr demo [--tenant demo]
 *   nrr migrate
 * Configuration comes from the environment (see ./config.ts).
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type CsvDelimiter, type DecimalSeparator, escapeControlCharacters as shown } from '@nrr/core';
import { createApiKey, type KeyScope, listApiKeys, revokeApiKey } from './auth/keys.ts';
import { compareCommand } from './cli/compare.ts';
import { parseMapOptions } from './cli/mapping.ts';
import { parseSetOptions, settingsLines } from './cli/settings.ts';
import { stripeCommand } from './cli/stripe.ts';
import { apiTuning, configFromEnv } from './config.ts';
import { openDatabase } from './db/connect.ts';
import { loadDemoTenant } from './demo.ts';
import { ApiError } from './errors.ts';
import { setFxRate } from './fx-rates.ts';
import { columnMappingFor } from './imports/column-mapping.ts';
import { fileLineChunks } from './imports/file-source.ts';
import { CLI_ACTOR, listImportRecords } from './imports/import-records.ts';
import { IMPORT_FORMATS, ImportFailed, type ImportFormat, runImport } from './imports/run-import.ts';
import { listen } from './server.ts';
import { updateTenantSettings } from './settings.ts';
import { ensureTenant, findTenant, listTenants, setAllowedOrigins } from './tenants.ts';
import { WebhookDispatcher } from './webhooks/dispatcher.ts';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listWebhookAttempts,
  listWebhookEndpoints,
  redeliverWebhook,
  setWebhookEndpointDisabled,
} from './webhooks/endpoints.ts';
import { createApi } from './yoga.ts';

const USAGE = `usage:
  nrr import --tenant <id> --format ${IMPORT_FORMATS.join('|')} [--map COLUMN=FIELD …] [--currency X]
    [--delimiter ,|;|tab] [--decimal .|,] <file>
  nrr imports list --tenant <id> [--first N]
  nrr keys create --tenant <id> [--name NAME] [--scope read|read_write]
  nrr keys list --tenant <id>
  nrr keys revoke --tenant <id> <keyId>
  nrr tenants create <id> [--name NAME] [--currency X] [--origin URL …]
  nrr tenants list
  nrr tenants origins <id> [URL …]
  nrr tenants settings --tenant <id> [--set name=value …]
  nrr compare --tenant <id> --from YYYY-MM-DD --to YYYY-MM-DD [--segment name=v1,v2 …]
    [--a name=value …] [--a-preset P] [--b name=value …] [--b-preset P] [--currency X] [--limit N] [--json]
  nrr rates set --tenant <id> --currency X --rate R --from YYYY-MM-DD
  nrr webhooks create --tenant <id> --url URL [--event mrr.movement|mrr.movement.retracted …]
  nrr webhooks list --tenant <id>
  nrr webhooks delete --tenant <id> <endpointId>
  nrr webhooks disable|enable --tenant <id> <endpointId>
  nrr webhooks deliveries --tenant <id> <endpointId> [--first N]
  nrr webhooks redeliver --tenant <id> <messageId|deliveryId> [--endpoint <endpointId>]
  nrr stripe connect --tenant <id> --secret whsec_… | --remove fp_…
  nrr stripe secrets --tenant <id>
  nrr stripe backfill --tenant <id> <page.json> [<page.json> …]
  nrr serve [--port 4000]
  nrr demo [--tenant demo]
  nrr migrate`;

/** `--delimiter`: `,`, `;` or a tab (written `tab`, `\t` or as the character). */
function delimiterOption(value: string): CsvDelimiter {
  if (value === ',' || value === ';') return value;
  if (value === 'tab' || value === '\\t' || value === '\t') return '\t';
  throw new ApiError('BAD_USER_INPUT', `--delimiter: got ${JSON.stringify(value)}, expected , or ; or tab`);
}

/** `--decimal`: the decimal separator of amounts, `.` or `,`. */
function decimalOption(value: string): DecimalSeparator {
  if (value === '.' || value === ',') return value;
  throw new ApiError(
    'BAD_USER_INPUT',
    `--decimal: got ${JSON.stringify(value)}, expected . (amounts like 1,234.50) or , (amounts like 1.234,50)`,
  );
}

/** Runs one command; returns the process exit code. Output goes to `out`, problems to `err`. */
export async function runCli(
  argv: readonly string[],
  out: (line: string) => void = console.log,
  err: (line: string) => void = console.error,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      tenant: { type: 'string' },
      format: { type: 'string' },
      map: { type: 'string', multiple: true },
      currency: { type: 'string' },
      delimiter: { type: 'string' },
      decimal: { type: 'string' },
      name: { type: 'string' },
      scope: { type: 'string' },
      origin: { type: 'string', multiple: true },
      rate: { type: 'string' },
      from: { type: 'string' },
      port: { type: 'string' },
      first: { type: 'string' },
      set: { type: 'string', multiple: true },
      url: { type: 'string' },
      event: { type: 'string', multiple: true },
      endpoint: { type: 'string' },
      secret: { type: 'string' },
      remove: { type: 'string' },
      to: { type: 'string' },
      segment: { type: 'string', multiple: true },
      a: { type: 'string', multiple: true },
      b: { type: 'string', multiple: true },
      'a-preset': { type: 'string' },
      'b-preset': { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, sub, ...rest] = positionals;
  if (values.help || !command) {
    out(USAGE);
    return command || values.help ? 0 : 2;
  }
  const requireTenant = () => {
    if (!values.tenant) throw new ApiError('BAD_USER_INPUT', `${command}: --tenant <id> is required`);
    return values.tenant;
  };
  const port = values.port === undefined ? undefined : Number(values.port);
  const config = configFromEnv(env, port);
  const database = await openDatabase(config.database);
  let keepOpen = false;
  try {
    await database.migrate();
    const { db } = database;
    switch (command) {
      case 'migrate':
        out(`migrated (${database.kind})`);
        return 0;
      case 'import': {
        const tenantId = requireTenant();
        const format = values.format as ImportFormat;
        if (!IMPORT_FORMATS.includes(format)) {
          throw new ApiError('BAD_USER_INPUT', `--format must be one of ${IMPORT_FORMATS.join(', ')}`);
        }
        const file = sub;
        if (!file || rest.length > 0) throw new ApiError('BAD_USER_INPUT', 'import: give exactly one file');
        if (values.map && format === 'events') {
          throw new ApiError('BAD_USER_INPUT', '--map applies to --format invoice-lines and periods');
        }
        if ((values.delimiter !== undefined || values.decimal !== undefined) && format === 'events') {
          throw new ApiError(
            'BAD_USER_INPUT',
            '--delimiter and --decimal apply to CSV files (periods, invoice-lines)',
          );
        }
        const mapping =
          format === 'invoice-lines' || values.map
            ? columnMappingFor(format, parseMapOptions(values.map ?? []))
            : undefined;
        const summary = await runImport(db, {
          tenantId,
          format,
          source:
            format === 'events' && file.endsWith('.json')
              ? await readFile(file, 'utf8')
              : await fileLineChunks(file),
          // Only the base name is recorded: the directory (often the operator's home) stays on this machine.
          sourceName: basename(file),
          actor: CLI_ACTOR,
          createTenant: true,
          ...(mapping ? { mapping } : {}),
          ...(values.currency ? { currency: values.currency } : {}),
          ...(values.delimiter === undefined ? {} : { delimiter: delimiterOption(values.delimiter) }),
          ...(values.decimal === undefined ? {} : { decimal: decimalOption(values.decimal) }),
        });
        out(
          `imported ${shown(file)} into ${tenantId}: ${summary.rowsRead} rows read, ${summary.rowsStored} spans stored, ` +
            `${summary.rowsUnchanged} unchanged, ${summary.customersAffected} customers updated (import ${summary.importId}, data version ${summary.dataVersion})`,
        );
        return 0;
      }
      case 'imports': {
        if (sub !== 'list' || rest.length > 0) break;
        const tenantId = requireTenant();
        const first = values.first === undefined ? 20 : Number(values.first);
        if (!Number.isInteger(first) || first < 1 || first > 1000) {
          throw new ApiError('BAD_USER_INPUT', `--first: got ${values.first}, expected 1 to 1000`);
        }
        for (const record of await listImportRecords(db, tenantId, first)) {
          out(
            [
              record.importId,
              record.status,
              record.startedAt.toISOString(),
              record.format,
              `${record.rowsRead} read`,
              `${record.rowsStored} stored`,
              `${record.errorCount} errors`,
              shown(record.actor),
              shown(record.source),
            ].join('\t'),
          );
        }
        return 0;
      }
      case 'keys': {
        const tenantId = requireTenant();
        if (sub === 'create') {
          const scope = (values.scope ?? 'read') as KeyScope;
          if (scope !== 'read' && scope !== 'read_write') {
            throw new ApiError('BAD_USER_INPUT', `--scope must be read or read_write, got ${values.scope}`);
          }
          const { key, secret } = await createApiKey(db, {
            tenantId,
            scope,
            ...(values.name ? { name: values.name } : {}),
          });
          out(
            `created ${key.scope} key ${key.keyId} (${shown(key.name)}) for ${tenantId}; it is shown only once:`,
          );
          out(secret);
          return 0;
        }
        if (sub === 'list') {
          for (const key of await listApiKeys(db, tenantId)) {
            const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active';
            out(`${key.keyId}\t${key.scope}\t${state}\t${key.createdAt.toISOString()}\t${shown(key.name)}`);
          }
          return 0;
        }
        if (sub === 'revoke' && rest.length === 1) {
          await revokeApiKey(db, tenantId, rest[0] as string);
          out(`revoked ${rest[0]}`);
          return 0;
        }
        break;
      }
      case 'tenants': {
        if (sub === 'create' && rest.length === 1) {
          const tenant = await ensureTenant(db, {
            tenantId: rest[0] as string,
            ...(values.name ? { name: values.name } : {}),
            ...(values.currency ? { reportingCurrency: values.currency } : {}),
          });
          if (values.origin) await setAllowedOrigins(db, tenant.tenantId, values.origin);
          out(`tenant ${tenant.tenantId} (${tenant.reportingCurrency})`);
          return 0;
        }
        if (sub === 'list') {
          for (const tenant of await listTenants(db)) {
            out(
              `${tenant.tenantId}\t${tenant.reportingCurrency}\tv${tenant.dataVersion}\t${shown(tenant.allowedOrigins.join(','))}\t${shown(tenant.name)}`,
            );
          }
          return 0;
        }
        if (sub === 'origins' && rest.length >= 1) {
          const [tenantId, ...origins] = rest as [string, ...string[]];
          await setAllowedOrigins(db, tenantId, origins);
          out(`${tenantId} allows ${origins.length === 0 ? 'no browser origins' : origins.join(', ')}`);
          return 0;
        }
        if (sub === 'settings' && rest.length === 0) {
          const tenantId = requireTenant();
          let tenant = await findTenant(db, tenantId);
          if (!tenant) throw new ApiError('NOT_FOUND', `tenant ${JSON.stringify(tenantId)} does not exist`);
          if (values.set && values.set.length > 0) {
            const change = await updateTenantSettings(db, tenantId, parseSetOptions(values.set));
            tenant = change.tenant;
            out(
              change.changed
                ? `${tenantId}: settings changed (data version ${tenant.dataVersion}${change.subscriptionsRecomputed > 0 ? `, spans of ${change.subscriptionsRecomputed} subscriptions recomputed from their events` : ''})`
                : `${tenantId}: settings unchanged`,
            );
          }
          for (const line of settingsLines(tenant.definitions)) out(line);
          return 0;
        }
        break;
      }
      case 'compare': {
        if (sub !== undefined) break;
        return await compareCommand(db, requireTenant(), values, out);
      }
      case 'rates': {
        if (sub === 'set') {
          const tenantId = requireTenant();
          await setFxRate(db, {
            tenantId,
            currency: values.currency ?? '',
            rate: Number(values.rate),
            from: values.from ?? '',
          });
          out(
            `${tenantId}: 1 ${values.currency} = ${values.rate} of the reporting currency from ${values.from}`,
          );
          return 0;
        }
        break;
      }
      case 'webhooks': {
        const tenantId = requireTenant();
        const policy = { allowPrivate: config.webhooks?.allowPrivate ?? false };
        if (sub === 'create' && rest.length === 0) {
          if (!values.url) throw new ApiError('BAD_USER_INPUT', 'webhooks create: --url URL is required');
          const created = await createWebhookEndpoint(
            db,
            tenantId,
            { url: values.url, ...(values.event ? { eventTypes: values.event } : {}) },
            policy,
          );
          out(
            `created webhook endpoint ${created.endpointId} (${shown(created.url)}: ${created.eventTypes.join(', ')}) for ${tenantId}; its signing secret is shown only once:`,
          );
          out(created.secret);
          return 0;
        }
        if (sub === 'list' && rest.length === 0) {
          for (const endpoint of await listWebhookEndpoints(db, tenantId)) {
            const state = endpoint.disabledAt ? `disabled ${endpoint.disabledAt.toISOString()}` : 'active';
            out(
              `${endpoint.endpointId}\t${state}\t${endpoint.createdAt.toISOString()}\t${endpoint.eventTypes.join(',')}\t${shown(endpoint.url)}`,
            );
          }
          return 0;
        }
        if (sub === 'delete' && rest.length === 1) {
          await deleteWebhookEndpoint(db, tenantId, rest[0] as string);
          out(`deleted webhook endpoint ${rest[0]}`);
          return 0;
        }
        if ((sub === 'disable' || sub === 'enable') && rest.length === 1) {
          const endpoint = await setWebhookEndpointDisabled(
            db,
            tenantId,
            rest[0] as string,
            sub === 'disable',
          );
          out(
            endpoint.disabledAt
              ? `disabled webhook endpoint ${endpoint.endpointId}: it gets no new messages, queued ones wait`
              : `enabled webhook endpoint ${endpoint.endpointId}`,
          );
          return 0;
        }
        if (sub === 'deliveries' && rest.length === 1) {
          const first = values.first === undefined ? 20 : Number(values.first);
          const page = await listWebhookAttempts(db, tenantId, rest[0] as string, { first });
          for (const attempt of page.attempts) {
            out(
              [
                attempt.attemptId,
                attempt.startedAt.toISOString(),
                attempt.messageId,
                `attempt ${attempt.attempt}`,
                attempt.outcome,
                attempt.statusCode === null ? 'no answer' : `HTTP ${attempt.statusCode}`,
                `${attempt.durationMs} ms`,
                attempt.nextAttemptAt ? `next ${attempt.nextAttemptAt.toISOString()}` : '',
                shown(attempt.error ?? ''),
              ].join('\t'),
            );
          }
          return 0;
        }
        if (sub === 'redeliver' && rest.length === 1) {
          const id = rest[0] as string;
          const rescheduled = await redeliverWebhook(db, tenantId, {
            ...(id.startsWith('wa_') ? { attemptId: id } : { messageId: id }),
            ...(values.endpoint ? { endpointId: values.endpoint } : {}),
          });
          for (const delivery of rescheduled) {
            out(`redelivering ${delivery.messageId} to ${delivery.endpointId} (a running server sends it)`);
          }
          return 0;
        }
        break;
      }
      case 'stripe': {
        const tenantId = requireTenant();
        const code = await stripeCommand(db, config.stripeSecretsKey, tenantId, sub, rest, values, out);
        if (code !== undefined) return code;
        break;
      }
      case 'demo': {
        const tenantId = values.tenant ?? 'demo';
        const loaded = await loadDemoTenant(db, { tenantId });
        out(
          loaded.created
            ? `loaded demo tenant ${tenantId}: ${loaded.summary}`
            : `demo tenant ${tenantId} already exists`,
        );
        return 0;
      }
      case 'serve': {
        const api = createApi({
          db,
          tokenSecret: config.tokenSecret,
          ...apiTuning(config),
        });
        const server = await listen(api, config.port);
        const webhooks = new WebhookDispatcher(db, config.webhooks ?? {}).start();
        keepOpen = true;
        out(`GraphQL API on ${server.url}/graphql (${database.kind})`);
        const stop = async () => {
          await server.close();
          await webhooks.stop();
          await database.close();
          process.exit(0);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        return 0;
      }
    }
    err(USAGE);
    return 2;
  } catch (error) {
    if (error instanceof ImportFailed) {
      // Row errors quote the file's values: their control characters are printed escaped.
      err(`nothing was imported: ${shown(error.message)}`);
      for (const rowError of error.summary.errors.slice(0, 20)) err(`  ${shown(rowError.message)}`);
      if (error.summary.errorCount > 20) err(`  … and ${error.summary.errorCount - 20} more`);
      return 1;
    }
    if (error instanceof ApiError) {
      err(`${command}: ${shown(error.message)}`);
      return 1;
    }
    throw error;
  } finally {
    if (!keepOpen) await database.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      if (code !== 0) process.exitCode = code;
    },
    (error: unknown) => {
      console.error(shown(error instanceof Error ? error.message : String(error)));
      process.exitCode = 1;
    },
  );
}
