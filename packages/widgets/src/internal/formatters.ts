/** The one place widgets take number formatting from (see ./format.ts for the switch to @nrr/core). */
export { formatMoney, formatPercent } from './format.ts';
