import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { prefixBound, queryWords, searchTerms } from './search-terms.ts';

const matches = (text: string, query: string) => {
  const terms = searchTerms(text);
  return queryWords(query).every((w) => terms.some((t) => t >= w && t < prefixBound(w)));
};

test('words are found whole, from any point after a separator, and by their beginnings', () => {
  const text = 'Phishing at portal.B-Gov.example from 192.0.2.44 (see http://shop.example.id/login).';
  assert.ok(matches(text, 'phish'));
  assert.ok(matches(text, 'b-gov.example'));
  assert.ok(matches(text, 'gov.ex'));
  assert.ok(matches(text, '192.0.2'));
  assert.ok(matches(text, '2.44'));
  assert.ok(matches(text, 'example.id/login'));
  assert.ok(matches(text, 'login'));
  assert.ok(matches(text, 'PHISHING 192.0.2.44'));
  assert.ok(!matches(text, 'ishing'), 'not from inside a word');
  assert.ok(!matches(text, 'phishing 203.0.113.1'), 'every word of the query must match');
  assert.deepEqual(queryWords('  "Phishing",  phishing '), ['phishing']);
  assert.deepEqual(searchTerms('MY-2026-00042'), ['my-2026-00042', '2026-00042', '00042']);
});

test('any word of a text is found by any of its own prefixes', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 8 }), fc.nat(), fc.nat(), (words, pick, cut) => {
      const text = words.join(' ');
      const candidates = queryWords(text);
      if (candidates.length === 0) return;
      const word = candidates[pick % candidates.length]!;
      const prefix = word.slice(0, 1 + (cut % word.length));
      if (queryWords(prefix)[0] !== prefix) return; // the cut ended on punctuation, which queries drop
      assert.ok(matches(text, prefix), `${JSON.stringify(prefix)} in ${JSON.stringify(text)}`);
    }),
  );
});
