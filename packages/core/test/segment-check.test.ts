import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildTimeline,
  checkSegment,
  closeMatches,
  editDistance,
  MAX_UNKNOWN_VALUES,
  segmentNames,
  segmentVocabulary,
  unknownDimensionMessage,
  unknownSegmentValueWarning,
} from '../src/index.ts';
import { span } from './support/spans.ts';

describe('editDistance (optimal string alignment)', () => {
  it.each([
    ['plan', 'plan', 0],
    ['plann', 'plan', 1],
    ['pln', 'plan', 1],
    ['plam', 'plan', 1],
    ['cuontry', 'country', 1],
    ['pro', 'Pro', 1],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['ca', 'abc', 3],
  ])('%j → %j is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });

  it('stops at limit + 1 once the distance is known to exceed the limit', () => {
    expect(editDistance('enterprise', 'smb', 2)).toBe(3);
    expect(editDistance('kitten', 'sitting', 2)).toBe(3);
    expect(editDistance('kitten', 'sitting', 3)).toBe(3);
  });

  it('is zero only for equal strings, symmetric, at most the longer length, and unchanged by a limit it meets', () => {
    const word = fc.string({ maxLength: 8 });
    fc.assert(
      fc.property(word, word, word, (a, b, c) => {
        const ab = editDistance(a, b);
        expect(ab === 0).toBe(a === b);
        expect(editDistance(b, a)).toBe(ab);
        expect(ab).toBeLessThanOrEqual(Math.max(a.length, b.length));
        // A limit never changes a distance within it.
        expect(editDistance(a, b, ab)).toBe(ab);
        if (ab > 0) expect(editDistance(a, b, ab - 1)).toBe(ab);
        // Appending one character is one edit.
        expect(editDistance(a, `${a}${c.slice(0, 1)}`)).toBe(c.length > 0 ? 1 : 0);
      }),
    );
  });
});

describe('closeMatches', () => {
  it.each([
    ['pro', ['Basic', 'Pro', 'Team'], ['Pro']],
    ['plann', ['country', 'plan', 'size_band'], ['plan']],
    ['regon', ['country', 'plan', 'region'], ['region']],
    ['region', ['country', 'plan', 'size_band'], []],
    ['Entreprise', ['Enterprise', 'SMB'], ['Enterprise']],
    // Case-insensitive equality, when there is one, is the answer.
    ['team', ['Teams', 'TEAM', 'Tram', 'Teamwork'], ['TEAM']],
    ['pro', ['Pro', 'Professional'], ['Pro']],
    // Otherwise distance first, then prefixes.
    ['team', ['Teamwork', 'Tram', 'Basic'], ['Tram', 'Teamwork']],
    ['teem', ['Team', 'Tram', 'Teamwork'], ['Team']],
    // One or two characters: one edit away is nearly everything, so only the same letters count.
    ['us', ['US', 'ES', 'UA'], ['US']],
    ['uk', ['US', 'ES', 'UA'], []],
    ['star', ['Starter', 'Pro'], ['Starter']],
    // Too short for a prefix to mean anything.
    ['p', ['Pro', 'Plus'], []],
  ])('%j among %j → %j', (input, candidates, expected) => {
    expect(closeMatches(input, candidates)).toEqual(expected);
  });

  it('never offers the input itself, returns at most `limit`, and sorts ties by candidate', () => {
    expect(closeMatches('Pro', ['Pro', 'pro', 'PRO', 'Pr0'])).toEqual(['pro', 'PRO']);
    expect(closeMatches('Pro', ['Pro', 'Pr0'])).toEqual(['Pr0']);
    expect(closeMatches('abcd', ['abce', 'abcf', 'abcg', 'abch'], 2)).toEqual(['abce', 'abcf']);
  });
});

describe('checkSegment', () => {
  const timeline = buildTimeline([
    span('a', '2024-01-01', null, 100, { attributes: { plan: 'Pro', country: 'US' } }),
    span('b', '2024-01-01', '2024-03-01', 100, { attributes: { plan: 'Starter', country: 'DE' } }),
    // An old value stays known: a segment judged at an earlier period start can still match it.
    span('b', '2024-03-01', null, 200, { attributes: { plan: 'Team', country: 'DE' } }),
    span('c', '2024-01-01', null, 100),
  ]);
  const vocabulary = (names: string[]) => segmentVocabulary(timeline.entities, names);

  it('lists names, the values of the names asked about, and the customers', () => {
    expect(vocabulary(['plan', 'region'])).toEqual({
      customers: 3,
      dimensions: ['country', 'plan'],
      values: { plan: ['Pro', 'Starter', 'Team'], region: [] },
    });
  });

  it('reports an unknown attribute name in the segment and in `by`, with close names', () => {
    const segment = { attributes: [{ name: 'plann', values: ['Pro'] }] };
    const check = checkSegment(vocabulary(segmentNames(segment, 'region')), segment, 'region');
    expect(check).toEqual({
      unknownDimensions: [
        { name: 'plann', where: 'segment', closeMatches: ['plan'] },
        { name: 'region', where: 'by', closeMatches: [] },
      ],
      unknownValues: [],
    });
    const [plann, region] = check.unknownDimensions;
    expect(plann && unknownDimensionMessage(plann, vocabulary([]))).toBe(
      'no customer has the attribute "plann". Did you mean "plan"? Known dimensions: "country", "plan".',
    );
    expect(region && unknownDimensionMessage(region, vocabulary([]))).toBe(
      'no customer has the attribute "region". Known dimensions: "country", "plan", "size_band".',
    );
  });

  it('reports values no customer has, each with the close values of its attribute', () => {
    const segment = {
      attributes: [
        { name: 'plan', values: ['Pro', 'pro', 'Teem', 'Gold'] },
        { name: 'country', values: ['US'] },
      ],
    };
    const check = checkSegment(vocabulary(segmentNames(segment)), segment);
    expect(check.unknownDimensions).toEqual([]);
    expect(check.unknownValues).toEqual([
      { name: 'plan', value: 'pro', closeMatches: ['Pro'] },
      { name: 'plan', value: 'Teem', closeMatches: ['Team'] },
      { name: 'plan', value: 'Gold', closeMatches: [] },
    ]);
    expect(check.unknownValues.map(unknownSegmentValueWarning)).toEqual([
      {
        code: 'UNKNOWN_SEGMENT_VALUE',
        message:
          'No customer has plan "pro", so that value selects nobody; did you mean "Pro"? Values match exactly, case included.',
      },
      {
        code: 'UNKNOWN_SEGMENT_VALUE',
        message:
          'No customer has plan "Teem", so that value selects nobody; did you mean "Team"? Values match exactly, case included.',
      },
      {
        code: 'UNKNOWN_SEGMENT_VALUE',
        message:
          'No customer has plan "Gold", so that value selects nobody; check the spelling against the values the `segments` query lists.',
      },
    ]);
  });

  it('knows size_band as a breakdown, not as an attribute condition', () => {
    expect(checkSegment(vocabulary([]), undefined, 'size_band').unknownDimensions).toEqual([]);
    const segment = { attributes: [{ name: 'size_band', values: ['SMB'] }] };
    const [unknown] = checkSegment(vocabulary(segmentNames(segment)), segment).unknownDimensions;
    expect(unknown && unknownDimensionMessage(unknown, vocabulary([]))).toBe(
      'no customer has the attribute "size_band". Filter size bands with `sizeBands`. Known dimensions: "country", "plan".',
    );
  });

  it('reports nothing without customers, and nothing for an absent segment or empty value lists', () => {
    const empty = segmentVocabulary([], ['plan']);
    const segment = { attributes: [{ name: 'plan', values: ['Pro'] }] };
    expect(checkSegment(empty, segment, 'region')).toEqual({ unknownDimensions: [], unknownValues: [] });
    expect(checkSegment(vocabulary([]), undefined)).toEqual({ unknownDimensions: [], unknownValues: [] });
    const none = { attributes: [{ name: 'plan', values: [] }] };
    expect(checkSegment(vocabulary(['plan']), none)).toEqual({ unknownDimensions: [], unknownValues: [] });
  });

  it('names each unknown attribute once, however many conditions repeat it', () => {
    const segment = {
      attributes: [
        { name: 'plann', values: ['Pro'] },
        { name: 'plann', values: ['Team'] },
      ],
    };
    expect(checkSegment(vocabulary(segmentNames(segment)), segment).unknownDimensions).toHaveLength(1);
  });

  it(`reports at most ${MAX_UNKNOWN_VALUES} unknown values, and shows long ones cut`, () => {
    const values = Array.from({ length: 50 }, (_, i) => `plan-${i}`);
    const segment = { attributes: [{ name: 'plan', values }] };
    const check = checkSegment(vocabulary(['plan']), segment);
    expect(check.unknownValues.map((unknown) => unknown.value)).toEqual(values.slice(0, MAX_UNKNOWN_VALUES));
    const long = 'x'.repeat(10_000);
    const [unknown] = checkSegment(vocabulary(['plan']), {
      attributes: [{ name: 'plan', values: [long] }],
    }).unknownValues;
    const message = unknown ? unknownSegmentValueWarning(unknown).message : '';
    expect(message).toContain(`"${'x'.repeat(197)}..."`);
    expect(message.length).toBeLessThan(400);
  });
});
