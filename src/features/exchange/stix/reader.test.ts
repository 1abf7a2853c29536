import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Invalid } from '../../../domain/errors.ts';
import { validateBundle } from '../../../domain/stix/objects.ts';
import { readStixDocument, type DocumentShape } from './reader.ts';

type Result = { shape: DocumentShape; bundleId: string | null };
/** What reading a document gives: the objects handed over, then a result or the field of the refusal. */
interface Outcome {
  objects: [string, unknown][];
  result?: Result;
  field?: string;
}

const BUNDLE_ID = 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d';
const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

async function* feed<T>(chunks: T[]): AsyncGenerator<T> {
  for (const chunk of chunks) yield chunk;
}

/** Reads chunks with the reader; any error other than Invalid is thrown on. */
async function read(chunks: (Uint8Array | string)[], maxBytes = 1e9): Promise<Outcome & { progress: number[]; error?: Invalid }> {
  const objects: [string, unknown][] = [];
  const progress: number[] = [];
  try {
    const result = await readStixDocument(feed(chunks), {
      maxBytes,
      onObject: (object, path) => void objects.push([path, object]),
      afterChunk: async (bytes) => void progress.push(bytes),
    });
    return { objects, result, progress };
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    return { objects, field: error.field, progress, error };
  }
}

/** The same reading done with JSON.parse of the whole text: what the reader must agree with. */
function reference(text: string): Outcome {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { objects: [], field: 'body' };
  }
  const objects: [string, unknown][] = [];
  const list = (items: unknown[], prefix: string) => {
    for (const [i, item] of items.entries()) {
      if (!isRecord(item)) return `${prefix}[${i}]`;
      objects.push([`${prefix}[${i}]`, item]);
    }
    return undefined;
  };
  if (Array.isArray(json)) {
    const field = list(json, '');
    return field ? { objects, field } : { objects, result: { shape: 'array', bundleId: null } };
  }
  if (!isRecord(json)) return { objects, field: 'body' };
  const bundle = json.type === 'bundle' || Object.hasOwn(json, 'objects') || (typeof json.id === 'string' && json.id.startsWith('bundle--'));
  if (!bundle) return { objects: [['', json]], result: { shape: 'object', bundleId: null } };
  const field = Array.isArray(json.objects) ? list(json.objects, 'objects') : undefined;
  if (field) return { objects, field };
  if (json.type === undefined) return { objects, field: 'type' };
  const own = { ...json };
  if (Array.isArray(own.objects)) delete own.objects;
  const problem = validateBundle(own).problems[0];
  if (problem) return { objects, field: problem.path || 'body' };
  return { objects, result: { shape: 'bundle', bundleId: typeof json.id === 'string' ? json.id : null } };
}

/** JSON text with the given whitespace spread between its tokens. */
function serialise(value: unknown, spaces: readonly string[]): string {
  let k = 0;
  const s = () => (spaces.length ? spaces[k++ % spaces.length]! : '');
  const write = (v: unknown): string => {
    if (Array.isArray(v)) return v.length ? `[${v.map((item) => s() + write(item) + s()).join(',')}]` : `[${s()}]`;
    if (isRecord(v)) {
      const entries = Object.entries(v);
      return entries.length ? `{${entries.map(([key, item]) => `${s()}${JSON.stringify(key)}${s()}:${s()}${write(item)}${s()}`).join(',')}}` : `{${s()}}`;
    }
    return JSON.stringify(v);
  };
  return s() + write(value) + s();
}

/** The UTF-8 bytes of a text cut into pieces of the given sizes, in turn (splitting characters freely). */
function byteChunks(text: string, sizes: readonly number[]): Uint8Array[] {
  const bytes = new TextEncoder().encode(text);
  const chunks: Uint8Array[] = [];
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const size = sizes[k % sizes.length]!;
    chunks.push(bytes.slice(at, at + size));
    at += size;
  }
  return chunks;
}

function textChunks(text: string, sizes: readonly number[]): string[] {
  const chunks: string[] = [];
  for (let at = 0, k = 0; at < text.length; k++) {
    const size = sizes[k % sizes.length]!;
    chunks.push(text.slice(at, at + size));
    at += size;
  }
  return chunks;
}

// Strings that a scanner could take for structure: quotes, backslashes, brackets, escapes, and
// characters of two to four UTF-8 bytes (emoji are surrogate pairs, a lone surrogate is escaped).
const nastyString = fc.string({
  unit: fc.constantFrom('"', '\\', '\\"', '\\\\', '[', ']', '{', '}', ',', ':', ' ', '\n', '\t', '\u0000', '\u001f', 'a', 'é', '中', '😀', '\u2028', '\uFEFF', '\ud800', 'objects', 'bundle--'),
  maxLength: 12,
});
const anyString = fc.oneof(nastyString, fc.string({ unit: 'binary', maxLength: 8 }), fc.string({ maxLength: 8 }));
const value = fc.oneof({ weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }) }, { weight: 2, arbitrary: anyString });
const stixLike = fc.dictionary(anyString, value, { maxKeys: 6 });
const element = fc.oneof({ weight: 5, arbitrary: stixLike }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) });
const objectList = fc.array(element, { maxLength: 8 });
// Extra top-level names of every kind, never starting like "objects" so that a mutation cannot make a second list.
const extraName = fc.oneof(fc.stringMatching(/^[a-z0-9_]{3,10}$/), anyString).filter((name) => !name.startsWith('obj') && !['type', 'id', 'spec_version'].includes(name));

const bundle = fc
  .record(
    {
      type: fc.oneof({ weight: 8, arbitrary: fc.constant('bundle') }, { weight: 1, arbitrary: value }),
      id: fc.oneof({ weight: 8, arbitrary: fc.uuid({ version: 4 }).map((uuid) => `bundle--${uuid}`) }, { weight: 1, arbitrary: value }),
      objects: fc.oneof({ weight: 8, arbitrary: objectList }, { weight: 1, arbitrary: value }),
      extra: fc.dictionary(extraName, value, { maxKeys: 3 }),
    },
    { requiredKeys: ['objects', 'extra'] },
  )
  .chain(({ extra, ...own }) => {
    const entries = [...Object.entries(own), ...Object.entries(extra)];
    // Any order of the bundle's keys: "objects" may come before "type" and "id".
    return fc.shuffledSubarray(entries, { minLength: entries.length }).map((shuffled) => Object.fromEntries(shuffled));
  });
const document = fc.oneof({ weight: 4, arbitrary: bundle }, { weight: 2, arbitrary: objectList }, { weight: 1, arbitrary: stixLike });
const spaces = fc.array(fc.constantFrom('', '', ' ', '\n', '\t', '\r\n', ' \n\t '), { maxLength: 12 });
// One byte at a time, or pieces of varying sizes.
const sizes = fc.oneof(fc.constant([1]), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 4000 }), { minLength: 1, maxLength: 3 }));

const expectSame = (got: Outcome, want: Outcome, text: string) => {
  assert.deepEqual({ objects: got.objects, result: got.result, field: got.field }, { objects: want.objects, result: want.result, field: want.field }, text.slice(0, 500));
};

describe('the streaming STIX reader', () => {
  test('reads exactly what JSON.parse of the whole document gives, however it is spaced and cut', async () => {
    await fc.assert(
      fc.asyncProperty(document, spaces, sizes, fc.boolean(), async (doc, space, cut, asText) => {
        const text = serialise(doc, space);
        const got = await read(asText ? textChunks(text, cut) : byteChunks(text, cut));
        expectSame(got, reference(text), text);
        if (got.result) {
          assert.equal(got.progress.at(-1), Buffer.byteLength(text), 'the last progress counts every byte');
          assert.ok(got.progress.every((bytes, i) => i === 0 || bytes >= got.progress[i - 1]!));
        }
      }),
      { numRuns: 400 },
    );
  });

  test('valid documents read the same as the objects they were written from', async () => {
    const plainBundle = fc.record({ type: fc.constant('bundle'), id: fc.constant(BUNDLE_ID), objects: fc.array(stixLike, { minLength: 1, maxLength: 6 }) });
    await fc.assert(
      fc.asyncProperty(fc.oneof(plainBundle, fc.array(stixLike, { maxLength: 6 })), spaces, sizes, async (doc, space, cut) => {
        const text = serialise(doc, space);
        const got = await read(byteChunks(text, cut));
        const list = Array.isArray(doc) ? doc : doc.objects;
        assert.deepEqual(
          got.objects.map(([, object]) => object),
          JSON.parse(JSON.stringify(list)),
        );
        assert.deepEqual(got.result, Array.isArray(doc) ? { shape: 'array', bundleId: null } : { shape: 'bundle', bundleId: BUNDLE_ID });
      }),
      { numRuns: 150 },
    );
  });

  test('arbitrary text and damaged documents are read as JSON.parse reads them or refused as Invalid', async () => {
    const mutation = fc.oneof(
      fc.record({ op: fc.constant('cut' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('drop' as const), at: fc.nat() }),
      fc.record({ op: fc.constantFrom('insert' as const, 'replace' as const), at: fc.nat(), with: fc.constantFrom('"', '\\', '[', ']', '{', '}', ',', ':', ' ', '0', '-', 'x', 'é', '\u00a0', '\uFEFF', '\n', 'null', '"objects"') }),
    );
    const damaged = fc.tuple(document, spaces, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([doc, space, mutations]) => {
      let text = serialise(doc, space);
      for (const m of mutations) {
        const at = text.length ? m.at % (text.length + 1) : 0;
        if (m.op === 'cut') text = text.slice(0, at);
        else if (m.op === 'drop') text = text.slice(0, at) + text.slice(at + 1);
        else if (m.op === 'insert') text = text.slice(0, at) + m.with + text.slice(at);
        else text = text.slice(0, at) + m.with + text.slice(at + 1);
      }
      return text;
    });
    const anyText = fc.oneof(damaged, fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', '\\', ',', ':', ' ', '1', 'a') }), fc.json());
    await fc.assert(
      fc.asyncProperty(anyText, sizes, async (text, cut) => {
        const got = await read(byteChunks(text, cut));
        let valid = true;
        try {
          const sent = Buffer.from(text).toString();
          JSON.parse(sent.startsWith('\uFEFF') ? sent.slice(1) : sent);
        } catch {
          valid = false;
        }
        // Where the text is JSON the outcome is the same to the field; where it is not, a refusal.
        // Read as its UTF-8 bytes, a lone surrogate is U+FFFD.
        if (valid) expectSame(got, reference(Buffer.from(text).toString()), text);
        else assert.ok(got.error instanceof Invalid, `accepted invalid JSON: ${text.slice(0, 300)}`);
      }),
      { numRuns: 1500 },
    );
  });

  test('an empty document is refused as empty', async () => {
    for (const chunks of [[], [''], ['  \n\t', '\r\n'], ['\uFEFF'], [new Uint8Array(0)], [new TextEncoder().encode(' \u00a0 ')]]) {
      const got = await read(chunks);
      assert.equal(got.field, 'body');
      assert.equal(got.error?.reason, 'is empty');
      assert.deepEqual(got.progress, [], 'nothing to write');
    }
  });

  test('what is not a JSON object or array is refused, and malformed JSON anywhere as not valid JSON', async () => {
    for (const text of ['hello', '5', '"bundle"', 'null']) {
      const got = await read([text]);
      assert.equal(got.field, 'body');
      assert.match(got.error!.reason, /^a STIX document is a JSON object/);
    }
    const object = `{"type":"indicator","id":"x","value":"] } \\" ["}`;
    for (const text of [
      '{"a":}',
      '[{"a":1}] x',
      '[{"a":1}]]',
      '{} {}',
      '[{"a":1},]',
      '[,{"a":1}]',
      '[{"a":1} {"b":2}]',
      '[{"a":1},,{"b":2}]',
      '[{"a":"\u0001"}]',
      '[{"a":"\\x"}]',
      '[{"a":01}]',
      '[{"a":1]]',
      '\u00a0[{"a":1}]',
      `{"type":"bundle" "id":"${BUNDLE_ID}","objects":[${object}]}`,
      `{"type":"bundle","id":"${BUNDLE_ID}","objects":[${object}],"x_note":[1,}`,
      `{"type":"bundle","id":"${BUNDLE_ID}","objects":[${object}] "x_note":1}`,
      `{"type":"bundle","id":"${BUNDLE_ID}","objects":[${object}],"x_note":1,}`,
      '{"type":"indicator","value":tru}',
      '{"ty\\pe":"bundle","objects":[]}',
    ]) {
      const got = await read([text]);
      assert.equal(got.field, 'body', text);
      assert.match(got.error!.reason, /^not valid JSON/, text);
    }
  });

  test('a document that stops short ends early', async () => {
    for (const text of ['{"type": "bundle", "objects": [', '[{"a":"b', '["abc\\', '[{"a":1}', '{"type":"indicator"', '[1', '[ ']) {
      for (const chunks of [[text], byteChunks(text, [1])]) {
        const got = await read(chunks);
        assert.equal(got.field, 'body', text);
        assert.equal(got.error?.reason, 'not valid JSON: the document ends early', text);
      }
    }
  });

  test('an element that is not an object is refused at its path, after the objects before it', async () => {
    const cases: [string, string, number][] = [
      [`{"type":"bundle","id":"${BUNDLE_ID}","objects":[{"a":1},5]}`, 'objects[1]', 1],
      [`{"objects":[{"a":1},{"b":[2]},[{"c":3}]],"type":"bundle","id":"${BUNDLE_ID}"}`, 'objects[2]', 2],
      ['[{"a":1}, "{\\"a\\":1}"]', '[1]', 1],
      ['[null]', '[0]', 0],
      ['[ true , {"a":1}]', '[0]', 0],
      ['[[]]', '[0]', 0],
      ['[-1.5e3]', '[0]', 0],
    ];
    for (const [text, field, before] of cases) {
      const got = await read(byteChunks(text, [3]));
      assert.equal(got.field, field, text);
      assert.equal(got.error?.reason, 'must be a STIX object', text);
      assert.equal(got.objects.length, before, text);
    }
  });

  test('a document over the byte limit is refused, as is a bare object too large to hold', async () => {
    const text = `{"type":"bundle","id":"${BUNDLE_ID}","objects":[{"a":1}]}`;
    const over = await read([text], text.length - 1);
    assert.equal(over.field, 'body');
    assert.equal(over.error?.reason, `larger than ${text.length - 1} bytes`);
    assert.equal((await read([text], text.length)).result?.shape, 'bundle', 'the limit itself is allowed');
    // Multi-byte characters count as their bytes.
    assert.equal((await read(['["é"]'], 5)).field, 'body');

    const big = `{"type":"x-big","note":"${'a'.repeat(9 * 1024 * 1024)}"}`;
    const bare = await read(textChunks(big, [1024 * 1024]));
    assert.equal(bare.field, 'body');
    assert.equal(bare.error?.reason, `a single STIX object larger than ${8 * 1024 * 1024} bytes`);
    // The same weight inside a bundle's objects is read object by object.
    const many = `{"type":"bundle","id":"${BUNDLE_ID}","objects":[${Array.from({ length: 9 }, (_, i) => `{"i":${i},"note":"${'a'.repeat(1024 * 1024)}"}`).join(',')}]}`;
    const read9 = await read(textChunks(many, [100_000]));
    assert.deepEqual(read9.result, { shape: 'bundle', bundleId: BUNDLE_ID });
    assert.equal(read9.objects.length, 9);
  });

  test('a bundle may list its keys in any order', async () => {
    const got = await read([`{"objects":[{"a":1},{"b":2}],"id":"${BUNDLE_ID}","type":"bundle"}`]);
    assert.deepEqual(got.result, { shape: 'bundle', bundleId: BUNDLE_ID });
    assert.deepEqual(got.objects, [
      ['objects[0]', { a: 1 }],
      ['objects[1]', { b: 2 }],
    ]);
    // A list of objects makes a bundle even without its type, which is then missing.
    const untyped = await read([`{"objects":[{"a":1}],"id":"${BUNDLE_ID}"}`]);
    assert.equal(untyped.field, 'type');
    assert.equal(untyped.error?.reason, 'is required: a bundle has "type": "bundle"');
    assert.equal(untyped.objects.length, 1);
    // An escaped key is still the list of objects.
    const escaped = await read([`{"type":"bundle","obj\\u0065cts":[{"a":1}],"id":"${BUNDLE_ID}"}`]);
    assert.deepEqual(escaped.objects, [['objects[0]', { a: 1 }]]);
  });

  test("a bundle's other keys are kept and checked, whatever they hold", async () => {
    const note = `{"text":"] } [ { \\" \\\\ ","list":[1,{"objects":[5]}],"objects":[{"a":1}]}`;
    const got = await read(byteChunks(`{"type":"bundle","x_note":${note},"id":"${BUNDLE_ID}","objects":[{"a":1}],"x_more":[[],{}]}`, [2]));
    assert.deepEqual(got.result, { shape: 'bundle', bundleId: BUNDLE_ID });
    assert.deepEqual(got.objects, [['objects[0]', { a: 1 }]], 'lists nested in other keys are not the objects');

    const badName = await read([`{"type":"bundle","id":"${BUNDLE_ID}","objects":[{"a":1}],"x-note":{"a":[1]}}`]);
    assert.equal(badName.field, 'x-note');
    assert.match(badName.error!.reason, /property names/);
    const specVersion = await read([`{"type":"bundle","id":"${BUNDLE_ID}","spec_version":"2.1","objects":[]}`]);
    assert.equal(specVersion.field, 'spec_version');
    const badId = await read([`{"type":"bundle","id":"bundle--1","objects":[{"a":1}]}`]);
    assert.equal(badId.field, 'id');
    const notAList = await read([`{"type":"bundle","id":"${BUNDLE_ID}","objects":{"a":{"b":1}}}`]);
    assert.equal(notAList.field, 'objects');
    assert.deepEqual(notAList.objects, []);
  });

  test('a bare object is read whole, with an empty path, once the document has ended', async () => {
    const object = { type: 'indicator', id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', name: 'a "quoted" [name] {x} \\ é 😀', objects_seen: [{ a: [] }], nested: { objects: 1 } };
    const got = await read(byteChunks(`\uFEFF ${JSON.stringify(object, null, 2)}\n`, [1]));
    assert.deepEqual(got.result, { shape: 'object', bundleId: null });
    assert.deepEqual(got.objects, [['', object]]);
    // A bundle's id or type alone makes a bundle.
    assert.equal((await read([`{"id":"${BUNDLE_ID}"}`])).field, 'type');
    assert.deepEqual((await read([`{"type":"bundle","id":"${BUNDLE_ID}"}`])).result, { shape: 'bundle', bundleId: BUNDLE_ID });
  });

  test('objects are handed over before the write after the chunk that completes them', async () => {
    const events: string[] = [];
    const chunks = ['[{"a":1},', '{"b":', '2}', ',{"c":"é"}]'];
    await readStixDocument(feed(chunks), {
      maxBytes: 1000,
      onObject: (_object, path) => void events.push(path),
      afterChunk: async (bytes) => void events.push(`write ${bytes}`),
    });
    assert.deepEqual(events, ['[0]', 'write 9', 'write 14', '[1]', 'write 16', '[2]', 'write 28']);
  });

  test('a character split between byte chunks is read whole, in keys, values and objects alike', async () => {
    const text = `{"type":"bundle","id":"${BUNDLE_ID}","x_note":{"é😀":"中😀"},"objects":[{"😀":"é\\"😀\\\\","中":["😀"]}]}`;
    const got = await read(byteChunks(text, [1]));
    assert.deepEqual(got.result, { shape: 'bundle', bundleId: BUNDLE_ID });
    assert.deepEqual(got.objects, [['objects[0]', { '😀': 'é"😀\\', 中: ['😀'] }]]);
    const bare = await read(byteChunks('{"é😀":"中","😀":{"objects":"😀"}}', [1]));
    assert.deepEqual(bare.objects, [['', { 'é😀': '中', '😀': { objects: '😀' } }]]);
    // A document cut inside its last character.
    const bytes = new TextEncoder().encode('["é');
    assert.equal((await read([bytes.slice(0, 3)])).error?.reason, 'not valid JSON: the document ends early');
  });

  test("the caller's own refusal of an object comes through unchanged", async () => {
    const refusal = new Invalid('objects[1].id', 'is wrong');
    const thrown = await readStixDocument(feed([`{"type":"bundle","id":"${BUNDLE_ID}","objects":[{"a":1},{"b":2},{"c":3}]}`]), {
      maxBytes: 1000,
      onObject: (_object, path) => {
        if (path === 'objects[1]') throw refusal;
      },
      afterChunk: async () => {},
    }).catch((error: unknown) => error);
    assert.equal(thrown, refusal);
  });
});
