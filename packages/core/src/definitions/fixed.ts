/**
 * Fixed definitions: options a question may not change (an embed token's), checked when the
 * question's own definitions are resolved.
 */
import {
  DEFAULT_DEFINITIONS,
  DEFINITION_OPTIONS,
  type DefinitionName,
  type DefinitionProblem,
  type DefinitionsInput,
  type ResolvedDefinitions,
  tryResolveDefinitions,
} from './definitions.ts';

const show = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value) : String(value));

/**
 * Resolves a question's definitions under fixed ones: `fixed` is resolved over `base` first, then
 * `input` over that. The options `fixed` names (and, when it names a preset, the preset's options
 * and label) must come out as `fixed` set them: asking for another value, directly or through a
 * preset, is a problem naming the option, its fixed value and the value asked for. Options `fixed`
 * leaves open may be changed. Invalid `fixed` or `input` give their own problems.
 */
export function resolveUnderFixedDefinitions(
  input: unknown,
  fixed: DefinitionsInput,
  base: ResolvedDefinitions = DEFAULT_DEFINITIONS,
): { ok: true; definitions: ResolvedDefinitions } | { ok: false; problems: DefinitionProblem[] } {
  const locked = tryResolveDefinitions(fixed, base);
  if (!locked.ok) return locked;
  const asked = tryResolveDefinitions(input ?? {}, locked.definitions);
  if (!asked.ok) return asked;
  const names: DefinitionName[] = DEFINITION_OPTIONS.filter(
    (option) => fixed[option.name] !== undefined || (option.preset && fixed.preset !== undefined),
  ).map((option) => option.name);
  const problems: DefinitionProblem[] = [];
  if (fixed.preset !== undefined && asked.definitions.preset !== locked.definitions.preset) {
    problems.push(fixedProblem('preset', locked.definitions.preset, asked.definitions.preset));
  }
  for (const name of names) {
    if (asked.definitions[name] !== locked.definitions[name]) {
      problems.push(fixedProblem(name, locked.definitions[name], asked.definitions[name]));
    }
  }
  return problems.length > 0 ? { ok: false, problems } : asked;
}

function fixedProblem(option: string, fixedValue: unknown, asked: unknown): DefinitionProblem {
  const allowed = `only ${show(fixedValue)}: it is fixed for this caller`;
  return {
    option,
    message: `${option}: ${show(asked)} is not allowed; ${option} is fixed at ${show(fixedValue)} for this caller`,
    allowed,
  };
}
