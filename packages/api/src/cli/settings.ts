/** `nrr tenants settings --tenant T [--set name=value …]`: a tenant's definitions, read and changed. */
import {
  DEFINITION_OPTIONS,
  type DefinitionProblem,
  formatMoneyUnits,
  parseDefinitionSetting,
  type ResolvedDefinitions,
} from '@nrr/core';
import { definitionsError } from '../errors.ts';

/**
 * The `--set name=value` options as a definitions input (core's `parseDefinitionSetting`: `null`,
 * integers, decimal amounts for the size bands). Throws `BAD_USER_INPUT` listing every problem,
 * each naming the setting and the allowed values, under `flag` (`nrr compare` reads `--a` and `--b`).
 */
export function parseSetOptions(sets: readonly string[], flag = '--set'): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const problems: DefinitionProblem[] = [];
  for (const set of sets) {
    const equals = set.indexOf('=');
    if (equals <= 0) {
      problems.push({
        option: set,
        message: `${JSON.stringify(set)} is not name=value; the names are preset, ${DEFINITION_OPTIONS.map((o) => o.name).join(', ')}`,
        allowed: 'name=value',
      });
      continue;
    }
    const parsed = parseDefinitionSetting(set.slice(0, equals).trim(), set.slice(equals + 1));
    if (parsed.ok) input[parsed.name] = parsed.value;
    else problems.push(parsed.problem);
  }
  if (problems.length > 0) throw definitionsError(problems, flag);
  return input;
}

/** The settings as printed: one `name<TAB>value` line each, the preset first (`-` for none). */
export function settingsLines(definitions: ResolvedDefinitions): string[] {
  const lines = [`preset\t${definitions.preset ?? '-'}`];
  for (const option of DEFINITION_OPTIONS) {
    const value = definitions[option.name];
    const shown =
      option.name === 'sizeBandMidMarket' || option.name === 'sizeBandEnterprise'
        ? formatMoneyUnits(value as number)
        : value === null
          ? 'null'
          : String(value);
    lines.push(`${option.name}\t${shown}`);
  }
  return lines;
}
