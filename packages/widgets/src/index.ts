/**
 * @nrr/widgets: React cards and hooks for net revenue retention. Static mode (`data` prop) needs
 * nothing else; data mode needs an `<NrrProvider>` around the cards. Import the stylesheet once:
 * `import '@nrr/widgets/styles.css'`.
 */
import './styles.css';

export { GrrCard } from './cards/GrrCard.tsx';
export { NrrCard, type RetentionCardProps } from './cards/NrrCard.tsx';
export type { RetentionFigureData, RetentionMetric } from './cards/RetentionFigure.tsx';
export { NrrProvider, type NrrProviderProps, NrrSettings, type NrrSettingsProps } from './provider/NrrProvider.tsx';
