/**
 * Limits on what one GraphQL operation may ask for, checked before execution: selection depth and
 * an estimated cost (each field costs 1, multiplied by the page size of every paginated list above
 * it). Introspection fields (`__schema`, `__type`) are exempt so GraphiQL keeps working.
 */
import {
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
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

interface Measure {
  depth: number;
  cost: number;
}

/** A validation rule enforcing {@link MAX_DEPTH}, {@link MAX_COST} and {@link MAX_ROOT_FIELDS}. */
export function queryLimitsRule(
  limits: { maxDepth?: number; maxCost?: number; maxRootFields?: number } = {},
) {
  const maxDepth = limits.maxDepth ?? MAX_DEPTH;
  const maxCost = limits.maxCost ?? MAX_COST;
  const maxRootFields = limits.maxRootFields ?? MAX_ROOT_FIELDS;
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const rootFields = countFields(node.selectionSet, context, new Set());
      if (rootFields > maxRootFields) {
        context.reportError(
          new GraphQLError(
            `${rootFields} top-level fields (aliases included) exceed the limit of ${maxRootFields}; send fewer in one operation`,
            { nodes: [node], extensions: { code: 'BAD_USER_INPUT', rootFields, maxRootFields } },
          ),
        );
        return;
      }
      const measure = measureSelection(node.selectionSet, context, new Set());
      if (measure.depth > maxDepth) {
        context.reportError(
          new GraphQLError(`query depth ${measure.depth} exceeds the limit of ${maxDepth}`, {
            nodes: [node],
            extensions: { code: 'BAD_USER_INPUT', depth: measure.depth, maxDepth },
          }),
        );
      }
      if (measure.cost > maxCost) {
        context.reportError(
          new GraphQLError(
            `query cost ${measure.cost} exceeds the limit of ${maxCost}; ask for smaller pages (first) or fewer fields`,
            { nodes: [node], extensions: { code: 'BAD_USER_INPUT', cost: measure.cost, maxCost } },
          ),
        );
      }
    },
  });
}

function measureSelection(
  selectionSet: SelectionSetNode,
  context: ValidationContext,
  visiting: Set<string>,
): Measure {
  let depth = 0;
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      const inner = selection.selectionSet
        ? measureSelection(selection.selectionSet, context, visiting)
        : { depth: 0, cost: 0 };
      depth = Math.max(depth, inner.depth + 1);
      cost += 1 + pageSize(selection) * inner.cost;
    } else {
      let fragmentSet: SelectionSetNode | undefined;
      if (selection.kind === Kind.INLINE_FRAGMENT) fragmentSet = selection.selectionSet;
      else {
        const name = selection.name.value;
        // A fragment cycle is reported by graphql's own rules; do not recurse forever here.
        if (visiting.has(name)) continue;
        const fragment: FragmentDefinitionNode | null | undefined = context.getFragment(name);
        if (!fragment) continue;
        visiting.add(name);
        fragmentSet = fragment.selectionSet;
        const inner = measureSelection(fragmentSet, context, visiting);
        visiting.delete(name);
        depth = Math.max(depth, inner.depth);
        cost += inner.cost;
        continue;
      }
      const inner = measureSelection(fragmentSet, context, visiting);
      depth = Math.max(depth, inner.depth);
      cost += inner.cost;
    }
  }
  return { depth, cost };
}

/** Fields selected directly in a selection set, through fragments, introspection left out. */
function countFields(
  selectionSet: SelectionSetNode,
  context: ValidationContext,
  visiting: Set<string>,
): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (!selection.name.value.startsWith('__')) count += 1;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      count += countFields(selection.selectionSet, context, visiting);
    } else {
      const name = selection.name.value;
      const fragment = visiting.has(name) ? undefined : context.getFragment(name);
      if (!fragment) continue;
      visiting.add(name);
      count += countFields(fragment.selectionSet, context, visiting);
      visiting.delete(name);
    }
  }
  return count;
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
