/** The one place widgets take number formatting from (see ./format.ts for the switch to @nrr/core). */
export { formatMoney, formatPercent, formatPercentagePoints } from './format.ts';
