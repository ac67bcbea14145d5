import type { MovementKind, MovementResult } from '../types.ts';

/** Words for each movement kind (the type column never relies on colour). */
export const MOVEMENT_LABELS: Record<MovementKind, string> = {
  NEW: 'New business',
  REACTIVATION: 'Reactivation',
  EXPANSION: 'Expansion',
  CONTRACTION: 'Contraction',
  CHURN: 'Churn',
};

/** Whether a movement adds to MRR or takes from it. */
export function movementEffect(kind: MovementKind): 'gain' | 'loss' {
  switch (kind) {
    case 'NEW':
    case 'REACTIVATION':
    case 'EXPANSION':
      return 'gain';
    case 'CONTRACTION':
    case 'CHURN':
      return 'loss';
    default:
      return kind satisfies never;
  }
}

/** The rows of page `page` (0-based) of `size` rows each, for static mode. */
export function pageOf(
  movements: readonly MovementResult[],
  page: number,
  size: number,
): readonly MovementResult[] {
  return movements.slice(page * size, page * size + size);
}
