import { useId } from 'react';
import type { PeriodOption } from '../filters.ts';

/** Props of {@link PeriodPicker}. */
export interface PeriodPickerProps {
  readonly options: readonly PeriodOption[];
  /** Id of the chosen option. */
  readonly value: string;
  readonly onChange: (id: string) => void;
}

/** A labelled native select of periods (keyboard and screen readers for free). */
export function PeriodPicker({ options, value, onChange }: PeriodPickerProps) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Period</label>
      <select id={id} value={value} onChange={(event) => onChange(event.currentTarget.value)}>
        {options.map((option) => (
          <option key={option.id} value={option.id}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}
