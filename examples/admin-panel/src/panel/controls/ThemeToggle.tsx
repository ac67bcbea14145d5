import type { PanelTheme } from '../useTheme.ts';

/** Props of {@link ThemeToggle}. */
export interface ThemeToggleProps {
  readonly theme: PanelTheme;
  readonly onChange: (theme: PanelTheme) => void;
}

/** A toggle button (`aria-pressed`) for dark mode; its icon is decoration, its name is the text. */
export function ThemeToggle({ theme, onChange }: ThemeToggleProps) {
  const dark = theme === 'dark';
  return (
    <button
      type="button"
      className="theme-toggle"
      aria-pressed={dark}
      onClick={() => onChange(dark ? 'light' : 'dark')}
    >
      <span aria-hidden="true" className="theme-toggle-icon">
        {dark ? '☾' : '☀'}
      </span>
      Dark mode
    </button>
  );
}
