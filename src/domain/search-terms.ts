// Word-prefix search that an ordinary B-tree index answers on both engines. A text is cut into
// words at white space; each word is indexed whole and from every point after a separator, so
// "portal.b-gov.example" is found by "b-gov", "gov.ex" or "example", and "192.0.2.44" by "192.0.2".
// A search matches when every word of the query starts one of the record's terms.

const MAX_TERM_LENGTH = 100;
const MAX_TERMS = 5000;
const SEPARATOR = /[^\p{L}\p{N}]/u;

function clean(word: string): string {
  // Leading and trailing punctuation belongs to the sentence, not to the word.
  return word.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
}

/** The distinct terms of a text, each at most MAX_TERM_LENGTH characters. */
export function searchTerms(...texts: (string | null | undefined)[]): string[] {
  const terms = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    for (const raw of text.split(/\s+/)) {
      const word = clean(raw);
      if (word === '') continue;
      terms.add(word.slice(0, MAX_TERM_LENGTH));
      for (let i = 1; i < word.length; i++) {
        if (SEPARATOR.test(word[i - 1]!) && !SEPARATOR.test(word[i]!)) terms.add(word.slice(i, i + MAX_TERM_LENGTH));
      }
      if (terms.size >= MAX_TERMS) return [...terms];
    }
  }
  return [...terms];
}

/** The words of a query, cleaned like the terms they must start. */
export function queryWords(query: string): string[] {
  return [...new Set(query.split(/\s+/).map(clean).filter((w) => w !== '').map((w) => w.slice(0, MAX_TERM_LENGTH)))].slice(0, 10);
}

/** The upper bound of the terms that start with `prefix`, for a range scan `term >= prefix and term < bound`. */
export function prefixBound(prefix: string): string {
  return `${prefix}\uffff`;
}
