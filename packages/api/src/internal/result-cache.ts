/**
 * Whole answers of figure queries, kept with the tenant's memoised figures (`TenantAnalytics.memo`,
 * so per tenant and data version): a dashboard asking the same question again skips GraphQL
 * execution too, not only the engine.
 *
 * Only queries whose every root field is a figure query ({@link CACHEABLE_FIELDS}: answers that
 * depend on nothing but the tenant's data and settings, the arguments and an embed token's segment
 * lock and fixed definitions) are
 * kept, and only answers without errors. The key is the parsed document (Yoga's parser cache hands
 * the same document for the same query text) with the operation name, the variables it declares
 * and the caller's segment lock.
 */
import { type DocumentNode, Kind, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ApiContext } from '../context.ts';

/** Root fields whose answers are pure functions of (tenant data, arguments, segment lock). */
export const CACHEABLE_FIELDS: ReadonlySet<string> = new Set([
  'retention',
  'retentionSeries',
  'breakdown',
  'cohorts',
  '__typename',
]);

/** A cacheable operation: an id for its document and name, and the variables it declares. */
interface Cacheable {
  readonly id: number;
  readonly variables: readonly string[];
}

/** Whether a document's operation may be answered from memory; by document, then operation name. */
const verdicts = new WeakMap<DocumentNode, Map<string | null, Cacheable | false>>();
let nextId = 1;

/** Longest key kept: a question with more variable text than this is executed every time. */
const MAX_KEY_LENGTH = 4096;

/**
 * The operation when every root field of it is cacheable (plain fields, no fragments or
 * directives), else `false`.
 */
function cacheableOperation(
  document: DocumentNode,
  operationName: string | null | undefined,
): Cacheable | false {
  let byName = verdicts.get(document);
  if (!byName) {
    byName = new Map();
    verdicts.set(document, byName);
  }
  const name = operationName ?? null;
  const known = byName.get(name);
  if (known !== undefined) return known;
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const operation =
    name === null
      ? operations.length === 1
        ? operations[0]
        : undefined
      : operations.find((o) => o.name?.value === name);
  const cacheable =
    operation !== undefined &&
    operation.operation === 'query' &&
    (operation.directives?.length ?? 0) === 0 &&
    operation.selectionSet.selections.every(
      (selection) =>
        selection.kind === Kind.FIELD &&
        (selection.directives?.length ?? 0) === 0 &&
        CACHEABLE_FIELDS.has(selection.name.value),
    );
  const verdict = cacheable
    ? { id: nextId++, variables: (operation.variableDefinitions ?? []).map((v) => v.variable.name.value) }
    : false;
  byName.set(name, verdict);
  return verdict;
}

/** The envelop plugin: answers repeated figure queries from the tenant's memo. */
export function resultCache(): Plugin<ApiContext> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue;
      const operation = cacheableOperation(args.document, args.operationName);
      if (operation === false) return;
      // An embed token's segment and fixed definitions change its answers.
      const lock =
        context.principal.kind === 'EMBED_TOKEN'
          ? [context.principal.segment ?? null, context.principal.definitions ?? null]
          : null;
      // Only the variables the operation declares (others are ignored by execution, and must not
      // make keys, or memory, grow).
      const given = args.variableValues ?? {};
      // By name, in declaration order; an omitted variable (its default applies) differs from null.
      const variables: Record<string, unknown> = {};
      for (const name of operation.variables) if (Object.hasOwn(given, name)) variables[name] = given[name];
      const key = `result:${operation.id}:${JSON.stringify([variables, lock])}`;
      if (key.length > MAX_KEY_LENGTH) return;
      const cached = context.analytics.cached(key);
      if (cached !== undefined) {
        setResultAndStopExecution(cached as Parameters<typeof setResultAndStopExecution>[0]);
        return;
      }
      return {
        onExecuteDone({ result }) {
          // Streams (incremental delivery) and answers with errors are not kept.
          if (Symbol.asyncIterator in result) return;
          if (result.errors && result.errors.length > 0) return;
          context.analytics.memo(key, () => result);
        },
      };
    },
  };
}
