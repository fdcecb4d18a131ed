import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reviewPolicyDocument } from '#domain/policy/compile.js';
import { reviewPolicy } from '#domain/policy/text.js';

describe('reviewPolicyDocument on malformed documents', () => {
  // Names an object inherits, which a careless lookup would take for fields of the schema.
  const inherited = [...Object.getOwnPropertyNames(Object.prototype), '__proto__', 'prototype'];
  const known = ['version', 'targets', 'rules', 'protectedDbUsers', 'name', 'principals', 'effect'];
  const key = fc.oneof(fc.constantFrom(...inherited, ...known), fc.string({ maxLength: 6 }));
  /** JSON text of odd values: keys from Object.prototype, wrong types, nesting. */
  const { json } = fc.letrec<{ json: string }>((tie) => ({
    json: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('null', 'true', '1', '-1.5', '""', '"x"', '"*"', '[]', '{}'),
      fc.array(tie('json'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
      fc
        .array(fc.tuple(key, tie('json')), { maxLength: 4 })
        .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
    ),
  }));
  /** A nearly valid policy with one generated value placed at a generated depth. */
  const nearlyValid = fc.tuple(key, json, fc.integer({ min: 0, max: 3 })).map(([k, v, where]) => {
    const at = [
      `{"version":1,"targets":{"a":{"clusterIdentifier":"c","database":"d"}},"rules":[],${JSON.stringify(k)}:${v}}`,
      `{"version":1,"targets":{"a":{"clusterIdentifier":"c","database":"d",${JSON.stringify(k)}:${v}}},"rules":[]}`,
      `{"version":1,"targets":{${JSON.stringify(k)}:${v}},"rules":[{"name":"r","principals":["*"],"effect":"deny"}]}`,
      `{"version":1,"targets":{"a":{"clusterIdentifier":"c","database":"d"}},"rules":[{"name":"r","principals":["*"],"targets":["a"],"dbUser":"u",${JSON.stringify(k)}:${v}}]}`,
    ];
    return at[where] ?? '';
  });

  it('reports every malformed document as problems and never throws, whatever its keys', () => {
    fc.assert(
      fc.property(fc.oneof(json, nearlyValid), (text) => {
        // JSON.parse keeps "__proto__" as an own key, as a policy.json or YAML mapping would.
        const review = reviewPolicyDocument(JSON.parse(text));
        const yaml = reviewPolicy(text, 'policy.yaml');

        expect(review.policy !== undefined || review.problems.length > 0).toBe(true);
        expect(yaml.policy !== undefined || yaml.problems.length > 0).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });

  it.each([
    [
      'a target field',
      'targets:\n  a:\n    clusterIdentifier: c\n    database: d\n    constructor: x',
      'targets.a',
    ],
    [
      'a rule field',
      'targets: {}\nrules:\n  - name: r\n    principals: ["*"]\n    effect: deny\n    toString: 1',
      'rules[0]',
    ],
    ['a document field', '__proto__:\n  targets: {}\ntargets: {}\nrules: []', '(document)'],
  ])('names %s called after an Object.prototype member as an unknown field', (_, body, field) => {
    const review = reviewPolicy(`version: 1\n${body}\n`, 'policy.yaml');

    expect(review.problems).toContainEqual(
      expect.objectContaining({ field, problem: expect.stringMatching(/^unknown field /) }),
    );
  });
});
