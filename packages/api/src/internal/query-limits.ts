/**
 * Limits on what one GraphQL operation may ask for, checked before execution: selection depth and
 * an estimated cost (each field costs 1, multiplied by the page size of every paginated list above
 * it). Introspection fields (`__schema`, `__type`) are exempt so GraphiQL keeps working. Measuring
 * takes time linear in the document (each fragment measured once), and the document's fragment
 * definitions and spreads are bounded, so a small hostile document is refused in milliseconds.
 */
import {
  type ASTVisitor,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  visit,
} from 'graphql';

/** Deepest selection allowed (`{ a { b } }` has depth 2). */
export const MAX_DEPTH = 12;
/** Highest estimated cost allowed. */
export const MAX_COST = 20_000;
/** Largest page a paginated field returns (`first`). */
export const MAX_PAGE_SIZE = 500;
/** Page size assumed for cost when `first` is a variable or absent. */
export const DEFAULT_PAGE_SIZE = 50;
/**
 * Most top-level fields (aliases included) one operation may select: each analytic root field
 * (retention, breakdown, cohorts…) is a computation of its own, so a thousand aliases of one
 * would cost a thousand computations while the cost estimate counts one per field.
 */
export const MAX_ROOT_FIELDS = 30;
/**
 * Most tokens a document may have; the parser stops there. Bounds parse time, and the nesting a
 * recursive parser and validator must follow (20,000 nested `{` would overflow the stack).
 */
export const MAX_TOKENS = 5_000;

/** Most fragment definitions one document may have (the cost of a spread chain grows with them). */
export const MAX_FRAGMENTS = 50;
/** Most fragment spreads (`...name`, as written) one document may have. */
export const MAX_FRAGMENT_SPREADS = 100;
/**
 * Ceiling of the cost and field-count arithmetic: a sum or product past it saturates here (and
 * is over every limit), so a hostile document's figures never overflow to `Infinity`.
 */
export const MEASURE_CEILING = Number.MAX_SAFE_INTEGER;

/** The limits {@link queryLimitsRule} and {@link queryLimitErrors} enforce; defaults as exported. */
export interface QueryLimits {
  readonly maxDepth?: number;
  readonly maxCost?: number;
  readonly maxRootFields?: number;
  readonly maxFragments?: number;
  readonly maxFragmentSpreads?: number;
}

interface Measure {
  /** Deepest field nesting below (fragments add none). */
  depth: number;
  /** Estimated cost, saturated at {@link MEASURE_CEILING}. */
  cost: number;
  /** Fields selected at this level, through fragments, saturated at {@link MEASURE_CEILING}. */
  fields: number;
}

const saturated = (value: number) => Math.min(value, MEASURE_CEILING);

/**
 * Measures selection sets of one document in time linear in its size: each named fragment is
 * measured once and remembered, so a chain of fragments each spreading the next twice costs one
 * visit per fragment, not 2^n. A spread of a fragment being measured (a cycle, which graphql's own
 * rules report) counts nothing and is not followed.
 */
class SelectionMeasurer {
  readonly #fragments = new Map<string, Measure>();
  readonly #visiting = new Set<string>();
  constructor(readonly getFragment: (name: string) => FragmentDefinitionNode | null | undefined) {}

  measure(selectionSet: SelectionSetNode): Measure {
    let depth = 0;
    let cost = 0;
    let fields = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        const inner = selection.selectionSet ? this.measure(selection.selectionSet) : undefined;
        depth = Math.max(depth, (inner?.depth ?? 0) + 1);
        cost = saturated(cost + 1 + saturated(pageSize(selection) * (inner?.cost ?? 0)));
        fields = saturated(fields + 1);
        continue;
      }
      const inner =
        selection.kind === Kind.INLINE_FRAGMENT
          ? this.measure(selection.selectionSet)
          : this.#fragment(selection.name.value);
      if (!inner) continue;
      depth = Math.max(depth, inner.depth);
      cost = saturated(cost + inner.cost);
      fields = saturated(fields + inner.fields);
    }
    return { depth, cost, fields };
  }

  #fragment(name: string): Measure | undefined {
    const known = this.#fragments.get(name);
    if (known) return known;
    if (this.#visiting.has(name)) return undefined;
    const fragment = this.getFragment(name);
    if (!fragment) return undefined;
    this.#visiting.add(name);
    const measure = this.measure(fragment.selectionSet);
    this.#visiting.delete(name);
    this.#fragments.set(name, measure);
    return measure;
  }
}

/**
 * A validation rule enforcing {@link MAX_FRAGMENTS}, {@link MAX_FRAGMENT_SPREADS},
 * {@link MAX_ROOT_FIELDS}, {@link MAX_DEPTH} and {@link MAX_COST}, in that order (the cheap
 * bounds first; an operation over its root-field limit is not measured further). Time linear in
 * the document's size. Errors are `BAD_USER_INPUT` with the measured figure and the limit.
 */
export function queryLimitsRule(limits: QueryLimits = {}) {
  return (context: ValidationContext): ASTVisitor => ({
    Document(node) {
      for (const error of documentBoundErrors(node, limits)) context.reportError(error);
    },
    OperationDefinition(node) {
      // Fragment lookups go through the context (one per fragment per operation: tests count them).
      const measurer = new SelectionMeasurer((name) => context.getFragment(name));
      for (const error of operationErrors(node, measurer, limits)) context.reportError(error);
    },
  });
}

/**
 * Every limit error of a document, as {@link queryLimitsRule} reports them, without a schema: the
 * API runs it before graphql's own rules so a hostile document is refused before they see it. An
 * empty list when the document is within every limit.
 */
export function queryLimitErrors(document: DocumentNode, limits: QueryLimits = {}): GraphQLError[] {
  const bounds = documentBoundErrors(document, limits);
  if (bounds.length > 0) return bounds;
  // The last definition of a name wins, as in graphql's ValidationContext (duplicates are invalid anyway).
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const measurer = new SelectionMeasurer((name) => fragments.get(name));
  const errors: GraphQLError[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION)
      errors.push(...operationErrors(definition, measurer, limits));
  }
  return errors;
}

/** The fragment-count and spread-count bounds, counted as written (no fragment is expanded). */
function documentBoundErrors(document: DocumentNode, limits: QueryLimits): GraphQLError[] {
  const maxFragments = limits.maxFragments ?? MAX_FRAGMENTS;
  const maxFragmentSpreads = limits.maxFragmentSpreads ?? MAX_FRAGMENT_SPREADS;
  let fragments = 0;
  let fragmentSpreads = 0;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments += 1;
  }
  visit(document, {
    FragmentSpread() {
      fragmentSpreads += 1;
    },
  });
  const errors: GraphQLError[] = [];
  if (fragments > maxFragments) {
    errors.push(
      new GraphQLError(`${fragments} fragment definitions exceed the limit of ${maxFragments}`, {
        extensions: { code: 'BAD_USER_INPUT', fragments, maxFragments },
      }),
    );
  }
  if (fragmentSpreads > maxFragmentSpreads) {
    errors.push(
      new GraphQLError(
        `${fragmentSpreads} fragment spreads exceed the limit of ${maxFragmentSpreads}; spread each fragment fewer times`,
        { extensions: { code: 'BAD_USER_INPUT', fragmentSpreads, maxFragmentSpreads } },
      ),
    );
  }
  return errors;
}

function operationErrors(
  node: OperationDefinitionNode,
  measurer: SelectionMeasurer,
  limits: QueryLimits,
): GraphQLError[] {
  const maxDepth = limits.maxDepth ?? MAX_DEPTH;
  const maxCost = limits.maxCost ?? MAX_COST;
  const maxRootFields = limits.maxRootFields ?? MAX_ROOT_FIELDS;
  const measure = measurer.measure(node.selectionSet);
  const rootFields = measure.fields;
  if (rootFields > maxRootFields) {
    return [
      new GraphQLError(
        `${rootFields} top-level fields (aliases included) exceed the limit of ${maxRootFields}; send fewer in one operation`,
        { nodes: [node], extensions: { code: 'BAD_USER_INPUT', rootFields, maxRootFields } },
      ),
    ];
  }
  const errors: GraphQLError[] = [];
  if (measure.depth > maxDepth) {
    errors.push(
      new GraphQLError(`query depth ${measure.depth} exceeds the limit of ${maxDepth}`, {
        nodes: [node],
        extensions: { code: 'BAD_USER_INPUT', depth: measure.depth, maxDepth },
      }),
    );
  }
  if (measure.cost > maxCost) {
    const figure = measure.cost >= MEASURE_CEILING ? `over ${MEASURE_CEILING}` : String(measure.cost);
    errors.push(
      new GraphQLError(
        `query cost ${figure} exceeds the limit of ${maxCost}; ask for smaller pages (first) or fewer fields`,
        { nodes: [node], extensions: { code: 'BAD_USER_INPUT', cost: measure.cost, maxCost } },
      ),
    );
  }
  return errors;
}

function pageSize(field: FieldNode): number {
  const first = field.arguments?.find((argument) => argument.name.value === 'first');
  if (!first) return 1;
  if (first.value.kind === Kind.INT) return Math.max(1, Math.min(Number(first.value.value), MAX_PAGE_SIZE));
  return DEFAULT_PAGE_SIZE;
}

/** Checks a `first` argument: 1..{@link MAX_PAGE_SIZE}, default {@link DEFAULT_PAGE_SIZE}. */
export function checkedPageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new GraphQLError(`first: got ${first}, expected a page size from 1 to ${MAX_PAGE_SIZE}`, {
      extensions: { code: 'BAD_USER_INPUT', field: 'first' },
    });
  }
  return first;
}
