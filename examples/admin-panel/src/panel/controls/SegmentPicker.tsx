import { segmentsQueryOptions, useNrrSession } from '@nrr/widgets';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useId } from 'react';
import {
  SEGMENT_DIMENSIONS,
  type SegmentChoice,
  type SegmentDimension,
  SIZE_BANDS,
  segmentValueLabel,
} from '../filters.ts';

/** Props of {@link SegmentPicker}. */
export interface SegmentPickerProps {
  readonly value: SegmentChoice;
  readonly onChange: (choice: SegmentChoice) => void;
}

/**
 * Two selects: the dimension (plan, country, billing interval, size band) and one of its values,
 * read from the API with the same embed token as the cards.
 */
export function SegmentPicker({ value, onChange }: SegmentPickerProps) {
  const dimensionId = useId();
  const valueId = useId();
  const session = useNrrSession();
  const attribute =
    value.dimension !== 'all' && value.dimension !== 'size_band' ? value.dimension : undefined;
  // The widgets' factory (query, key, retries), asked only once an attribute is chosen.
  const values = useQuery({
    ...segmentsQueryOptions(session, attribute ?? ''),
    enabled: attribute !== undefined && session.tenant !== undefined,
    staleTime: 5 * 60_000,
  });
  const choices: readonly string[] =
    value.dimension === 'size_band' ? SIZE_BANDS.map((band) => band.value) : (values.data ?? []);

  const chooseDimension = (dimension: SegmentDimension) => {
    // The first value is chosen once the list is known (see below), so a dimension alone never filters.
    const first = dimension === 'size_band' ? SIZE_BANDS[0].value : undefined;
    onChange({ dimension, value: first });
  };
  const firstChoice = choices[0];
  useEffect(() => {
    if (attribute !== undefined && value.value === undefined && firstChoice !== undefined) {
      onChange({ dimension: attribute, value: firstChoice });
    }
  }, [attribute, value.value, firstChoice, onChange]);

  return (
    <>
      <div className="field">
        <label htmlFor={dimensionId}>Segment by</label>
        <select
          id={dimensionId}
          value={value.dimension}
          onChange={(event) => chooseDimension(event.currentTarget.value as SegmentDimension)}
        >
          {SEGMENT_DIMENSIONS.map((dimension) => (
            <option key={dimension.id} value={dimension.id}>
              {dimension.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={valueId}>Segment</label>
        <select
          id={valueId}
          value={value.value ?? ''}
          disabled={value.dimension === 'all' || choices.length === 0}
          aria-busy={values.isFetching}
          onChange={(event) => onChange({ dimension: value.dimension, value: event.currentTarget.value })}
        >
          {value.dimension === 'all' ? <option value="">Every customer</option> : null}
          {value.dimension !== 'all' && choices.length === 0 ? <option value="">Loading…</option> : null}
          {choices.map((choice) => (
            <option key={choice} value={choice}>
              {segmentValueLabel(value.dimension, choice)}
            </option>
          ))}
        </select>
      </div>
    </>
  );
}
