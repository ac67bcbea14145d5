import { type ReactNode, useState } from 'react';
import { useMovements } from '../hooks/hooks.ts';
import { clampPageSize, type MovementsQuery } from '../hooks/movementsQueryOptions.ts';
import {
  type CardBaseProps,
  CardFrame,
  type CardState,
  type DefinitionsCardProps,
} from '../internal/CardFrame.tsx';
import { TableSkeleton } from '../internal/skeletons.tsx';
import { useCardState } from '../internal/useCardQueries.ts';
import { useNrrSettings } from '../provider/context.ts';
import type { DefinitionsResult, MovementResult } from '../types.ts';
import { MovementsPage } from './MovementsTableView.tsx';
import { pageOf } from './movementRows.ts';

/** Props of {@link MovementsTable}. */
export interface MovementsTableProps
  extends CardBaseProps,
    DefinitionsCardProps,
    Omit<MovementsQuery, 'first' | 'after'> {
  /** Rows per page, 1–500 (values outside are clamped); default 10. */
  readonly pageSize?: number;
  /** Static mode: every movement of the period; pages are cut client-side. */
  readonly data?: readonly MovementResult[];
  /**
   * Static mode: the definitions that produced `data` (a movement page's), for "How this is calculated".
   * (`definitions` is what data mode asks under, as on every card.)
   */
  readonly dataDefinitions?: DefinitionsResult;
}

const CAPTION = 'Customer movements';

/** Per-customer movements of the period (they sum to the bridge), a page at a time. */
export function MovementsTable(props: MovementsTableProps): ReactNode {
  return props.data ? (
    <StaticMovements {...props} movements={props.data} />
  ) : (
    // A cursor belongs to its question (window, segment, kinds, definitions): asking another one
    // starts again from the first page instead of sending a cursor the API would refuse.
    <ConnectedMovements
      key={JSON.stringify([props.period, props.segment, props.types, props.definitions])}
      {...props}
    />
  );
}

function StaticMovements({
  movements,
  dataDefinitions,
  definitions: _asked,
  ...props
}: MovementsTableProps & { readonly movements: readonly MovementResult[] }) {
  const { locale } = useNrrSettings();
  const [page, setPage] = useState(0);
  const size = clampPageSize(props.pageSize ?? 10);
  const pages = Math.max(1, Math.ceil(movements.length / size));
  const state: CardState = movements.length === 0 ? { status: 'empty' } : { status: 'ready' };
  return (
    <Frame {...props} state={state} definitions={dataDefinitions} currency={movements[0]?.amount.currency}>
      <MovementsPage
        rows={pageOf(movements, page, size)}
        locale={locale}
        caption={CAPTION}
        page={page}
        pages={pages}
        total={movements.length}
        hasPrevious={page > 0}
        hasNext={page + 1 < pages}
        onPrevious={() => setPage(page - 1)}
        onNext={() => setPage(page + 1)}
      />
    </Frame>
  );
}

function ConnectedMovements({
  period,
  segment,
  types,
  definitions,
  dataDefinitions: _shown,
  ...props
}: MovementsTableProps): ReactNode {
  const { locale } = useNrrSettings();
  const size = clampPageSize(props.pageSize ?? 10);
  // Cursors of the pages visited so far: cursors[i] opens page i (null for the first).
  const [cursors, setCursors] = useState<readonly (string | null)[]>([null]);
  const page = cursors.length - 1;
  const movements = useMovements({
    period,
    segment,
    types,
    definitions,
    first: size,
    after: cursors[page] ?? null,
  });
  const connection = movements.data;
  const state = useCardState([movements]);
  const shown: CardState =
    state.status === 'ready' && connection?.totalCount === 0 ? { status: 'empty' } : state;
  const endCursor = connection?.pageInfo.endCursor ?? null;
  return (
    <Frame
      {...props}
      state={shown}
      definitions={connection?.definitions}
      currency={connection?.edges[0]?.node.amount.currency}
    >
      <MovementsPage
        rows={connection?.edges.map((edge) => edge.node) ?? []}
        locale={locale}
        caption={CAPTION}
        page={page}
        pages={connection ? Math.max(1, Math.ceil(connection.totalCount / size)) : undefined}
        total={connection?.totalCount}
        hasPrevious={page > 0}
        hasNext={
          !movements.isPlaceholderData && connection?.pageInfo.hasNextPage === true && endCursor !== null
        }
        onPrevious={() => setCursors(cursors.slice(0, -1))}
        onNext={() => setCursors([...cursors, endCursor])}
      />
    </Frame>
  );
}

function Frame(
  props: CardBaseProps &
    DefinitionsCardProps & {
      readonly state: CardState;
      readonly pageSize?: number | undefined;
      readonly definitions?: DefinitionsResult | undefined;
      readonly currency?: string | undefined;
      readonly children: ReactNode;
    },
): ReactNode {
  return (
    <CardFrame
      {...props}
      kind="movements"
      title={props.title ?? CAPTION}
      loadingText="Loading movements…"
      skeleton={<TableSkeleton rows={clampPageSize(props.pageSize ?? 10)} pager />}
      emptyText="No customer moved in this period."
      showDefinitions={props.showDefinitions !== false}
    />
  );
}
