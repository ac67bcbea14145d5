/**
 * The definitions an embed token fixes, checked when it is minted (GraphQL `createEmbedToken` and
 * `POST /v1/embed-tokens`): they must resolve over the tenant's settings, and a token minted by a
 * token could not exist (only secret keys mint).
 */
import type { DefinitionsInput } from '@nrr/core';
import { definitionsOf, questionDefinitions } from '../analytics/question-definitions.ts';
import type { ApiContext } from '../context.ts';

/**
 * `input` (GraphQL's or the REST body's `definitions`) as the token's fixed definitions, or
 * `undefined` for none. Throws `BAD_USER_INPUT` naming each invalid option and what is allowed.
 */
export function fixedDefinitions(context: ApiContext, input: unknown): DefinitionsInput | undefined {
  if (input === undefined || input === null) return undefined;
  const fixed = definitionsOf(input, 'definitions');
  // Resolving checks every value and the size bands' order over the current settings.
  questionDefinitions(context, fixed);
  return Object.keys(fixed).length > 0 ? fixed : undefined;
}
