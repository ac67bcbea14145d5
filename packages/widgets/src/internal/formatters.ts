/** The one place widgets take number formatting from: @nrr/core's, shared with the API's text outputs. */
export { formatMoney, formatPercent, formatPercentagePoints } from '@nrr/core';
