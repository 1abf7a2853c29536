// Reads a STIX document of any size as it streams in: a bundle's objects one by one, the objects of
// a bare array, or a single bare object (small by nature, so held whole). Bundle-level mistakes are
// reported with their path, like the objects' own.
//
// Building every value token by token in JavaScript is slow, so a light scanner follows only strings,
// nesting and the top level's keys, cuts each element of the object list out as text and lets the
// native JSON.parse build (and check) it. The rest of the document, each element replaced by 0, is
// kept as a small "skeleton" that JSON.parse checks at the end, so a syntax error anywhere is still
// refused.
import { StringDecoder } from 'node:string_decoder';
import { Invalid } from '../../../domain/errors.ts';
import { validateBundle } from '../../../domain/stix/objects.ts';

export type DocumentShape = 'bundle' | 'array' | 'object';

export interface StixReadOptions {
  maxBytes: number;
  /** Called with each object and its path (`objects[3]`, `[3]`, or '' for a bare object). */
  onObject(object: Record<string, unknown>, path: string): void;
  /** Called after each chunk with the bytes read so far: the moment to write what was collected. */
  afterChunk(bytes: number): Promise<void>;
}

// A bare (non-bundle) object is parsed whole once the document ends; above this it cannot be one.
// The same bound holds a bundle's own properties, which are kept as long.
const MAX_BARE_OBJECT_BYTES = 8 * 1024 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const BOM = 0xfeff;

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;
const isJsonSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
// Characters a number, true, false or null is written with.
const isLiteralChar = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x2d || c === 0x2b || c === 0x2e;
// Any Unicode space: a document of nothing else is empty, but before the JSON it is an error.
const JS_SPACE = /^\s$/;

const notJson = (detail: string) => new Invalid('body', `not valid JSON: ${detail}`);
const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

type Mode =
  | 'before' // nothing but whitespace yet
  | 'skeleton' // the top level outside the object list: copied to the skeleton
  | 'list' // in an object list, between elements
  | 'element' // inside one element of an object list
  | 'after'; // the document has ended: only whitespace may follow

type ElementKind = 'container' | 'string' | 'literal';

class Scanner {
  mode: Mode = 'before';
  shape: 'bundle' | 'array' = 'bundle';
  private started = false;
  private oddSpace = false;

  /** Open brackets and braces of the skeleton (the object list's own bracket included). */
  private depth = 0;
  private inString = false;
  /** The text ended right after a backslash inside a string. */
  private escaped = false;
  /** Where the current skeleton run or element starts in the current text. */
  private from = 0;

  private skeleton = '';
  private ownChars = 0;
  private expectKey = false;
  private expectValue = false;
  private key = '';
  private keyOpen = false;
  private keyFrom = 0;
  private keyParts: string[] = [];
  private sawObjectsKey = false;

  /** 0: right after '[', 1: after an element, 2: after a comma. */
  private listState = 0;
  private index = 0;
  private kind: ElementKind = 'container';
  /** Open brackets and braces inside the current element. */
  private elementDepth = 0;
  private parts: string[] = [];

  constructor(private readonly onObject: StixReadOptions['onObject']) {}

  write(text: string): void {
    const n = text.length;
    let i = 0;
    while (i < n) {
      switch (this.mode) {
        case 'element':
          i = this.element(text, i);
          break;
        case 'list':
          i = this.list(text, i);
          break;
        case 'skeleton':
          i = this.skeletonRun(text, i);
          break;
        case 'before':
          i = this.before(text, i);
          break;
        case 'after':
          i = this.after(text, i);
          break;
      }
    }
    // Whatever is still open carries over to the next text.
    if (this.mode === 'element') this.parts.push(text.slice(this.from));
    else if (this.mode === 'skeleton') {
      if (this.keyOpen) this.keyParts.push(text.slice(this.keyFrom));
      this.addOwn(text.slice(this.from));
    }
    this.from = 0;
    this.keyFrom = 0;
  }

  /** The position of the quote that closes the string open at `from`, or -1 when the text ends first. */
  private closingQuote(text: string, from: number): number {
    let start = from;
    if (this.escaped) {
      if (start >= text.length) return -1;
      this.escaped = false;
      start += 1;
    }
    let q = text.indexOf('"', start);
    while (q !== -1) {
      let back = q - 1;
      while (back >= start && text.charCodeAt(back) === BACKSLASH) back -= 1;
      // An even run of backslashes escapes only itself.
      if ((q - 1 - back) % 2 === 0) return q;
      q = text.indexOf('"', q + 1);
    }
    let back = text.length - 1;
    while (back >= start && text.charCodeAt(back) === BACKSLASH) back -= 1;
    this.escaped = (text.length - 1 - back) % 2 === 1;
    return -1;
  }

  private before(text: string, i: number): number {
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const first = !this.started;
      this.started = true;
      if (isJsonSpace(c) || (c === BOM && first)) continue;
      if (JS_SPACE.test(text[i]!)) {
        this.oddSpace = true;
        continue;
      }
      if (c !== OPEN_BRACE && c !== OPEN_BRACKET) throw new Invalid('body', 'a STIX document is a JSON object (a bundle or one object) or an array of objects');
      if (this.oddSpace) throw notJson('a character that is not JSON whitespace comes before the document');
      this.depth = 1;
      if (c === OPEN_BRACKET) {
        this.shape = 'array';
        this.skeleton = '[';
        this.mode = 'list';
        this.listState = 0;
      } else {
        this.mode = 'skeleton';
        this.from = i;
        this.expectKey = true;
      }
      return i + 1;
    }
    return i;
  }

  private skeletonRun(text: string, i: number): number {
    const n = text.length;
    if (this.inString) {
      const q = this.closingQuote(text, i);
      if (q < 0) return n;
      this.inString = false;
      if (this.keyOpen) {
        this.keyOpen = false;
        this.setKey(this.keyParts.join('') + text.slice(this.keyFrom, q + 1));
        this.keyParts = [];
      }
      i = q + 1;
    }
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        const isKey = this.depth === 1 && this.expectKey;
        if (this.depth === 1) this.expectKey = this.expectValue = false;
        const q = this.closingQuote(text, i + 1);
        if (q < 0) {
          this.inString = true;
          if (isKey) {
            this.keyOpen = true;
            this.keyFrom = i;
          }
          return n;
        }
        if (isKey) this.setKey(text.slice(i, q + 1));
        i = q;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (this.depth === 1) {
          if (c === OPEN_BRACKET && this.expectValue && this.key === 'objects') {
            this.addOwn(text.slice(this.from, i + 1));
            this.depth = 2;
            this.mode = 'list';
            this.listState = 0;
            return i + 1;
          }
          this.expectValue = false;
        }
        this.depth += 1;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        this.depth -= 1;
        if (this.depth === 0) {
          this.addOwn(text.slice(this.from, i + 1));
          this.mode = 'after';
          return i + 1;
        }
      } else if (this.depth === 1) {
        if (c === COLON) this.expectValue = true;
        else if (c === COMMA) this.expectKey = true;
        else if (!isJsonSpace(c)) this.expectValue = false;
      }
    }
    return n;
  }

  private setKey(raw: string): void {
    try {
      this.key = JSON.parse(raw) as string;
    } catch (error) {
      throw notJson(messageOf(error));
    }
    if (this.key === 'objects') this.sawObjectsKey = true;
  }

  private addOwn(run: string): void {
    this.skeleton += run;
    this.ownChars += run.length;
    if (this.ownChars > MAX_BARE_OBJECT_BYTES) {
      throw new Invalid('body', this.sawObjectsKey ? `a bundle's own properties besides its objects larger than ${MAX_BARE_OBJECT_BYTES} bytes` : `a single STIX object larger than ${MAX_BARE_OBJECT_BYTES} bytes`);
    }
  }

  private path(index = this.index): string {
    return this.shape === 'array' ? `[${index}]` : `objects[${index}]`;
  }

  private list(text: string, i: number): number {
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (isJsonSpace(c)) continue;
      if (c === CLOSE_BRACKET) {
        if (this.listState === 2) throw notJson(`a comma after ${this.path(this.index - 1)} is followed by "]"`);
        this.skeleton += ']';
        this.depth -= 1;
        if (this.depth === 0) {
          this.mode = 'after';
        } else {
          this.mode = 'skeleton';
          this.from = i + 1;
          this.expectKey = this.expectValue = false;
        }
        return i + 1;
      }
      if (c === COMMA) {
        if (this.listState !== 1) throw notJson(this.listState === 0 ? 'a list starts with a comma' : `two commas after ${this.path(this.index - 1)}`);
        this.skeleton += ',';
        this.listState = 2;
        continue;
      }
      if (this.listState === 1) throw notJson(`${JSON.stringify(text[i])} follows ${this.path(this.index - 1)} where "," or "]" belongs`);
      this.skeleton += '0';
      this.mode = 'element';
      this.from = i;
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        this.kind = 'container';
        this.elementDepth = 1;
        return i + 1;
      }
      if (c === QUOTE) {
        this.kind = 'string';
        this.inString = true;
        return i + 1;
      }
      this.kind = 'literal';
      return i;
    }
    return i;
  }

  private element(text: string, i: number): number {
    const n = text.length;
    if (this.inString) {
      const q = this.closingQuote(text, i);
      if (q < 0) return n;
      this.inString = false;
      i = q + 1;
      if (this.kind === 'string') return this.take(text, i);
    }
    if (this.kind === 'literal') {
      while (i < n && isLiteralChar(text.charCodeAt(i))) i++;
      return i < n ? this.take(text, i) : n;
    }
    let depth = this.elementDepth;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        const q = this.closingQuote(text, i + 1);
        if (q < 0) {
          this.inString = true;
          break;
        }
        i = q;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        depth += 1;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        depth -= 1;
        if (depth === 0) {
          this.elementDepth = 0;
          return this.take(text, i + 1);
        }
      }
    }
    this.elementDepth = depth;
    return n;
  }

  /** Parses the element that ends at `end` and hands it over. */
  private take(text: string, end: number): number {
    let source = text.slice(this.from, end);
    if (this.parts.length) {
      this.parts.push(source);
      source = this.parts.join('');
      this.parts = [];
    }
    const path = this.path();
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (error) {
      throw notJson(`${messageOf(error)} (in ${path})`);
    }
    if (!isRecord(value)) throw new Invalid(path, 'must be a STIX object');
    this.index += 1;
    this.mode = 'list';
    this.listState = 1;
    this.onObject(value, path);
    return end;
  }

  private after(text: string, i: number): number {
    for (; i < text.length; i++) {
      if (!isJsonSpace(text.charCodeAt(i))) throw notJson(`${JSON.stringify(text[i])} follows the end of the document`);
    }
    return i;
  }

  /** The skeleton, checked: the whole top level with each listed element as 0. */
  parsedSkeleton(): unknown {
    try {
      return JSON.parse(this.skeleton);
    } catch (error) {
      throw notJson(messageOf(error));
    }
  }
}

export async function readStixDocument(source: AsyncIterable<Uint8Array | string> | Iterable<string>, options: StixReadOptions): Promise<{ shape: DocumentShape; bundleId: string | null }> {
  const scanner = new Scanner(options.onObject);
  // Keeps a character split between two chunks whole.
  const decoder = new StringDecoder('utf8');
  let pendingBytes = false;
  let highSurrogate = false;
  let bytes = 0;

  for await (const chunk of source) {
    let text: string;
    if (typeof chunk === 'string') {
      bytes += Buffer.byteLength(chunk);
      // A character split between two text chunks is 4 bytes, not twice 3 for its halves.
      if (highSurrogate && isLowSurrogate(chunk.charCodeAt(0))) bytes -= 2;
      highSurrogate = isHighSurrogate(chunk.charCodeAt(chunk.length - 1));
      text = pendingBytes ? decoder.end() + chunk : chunk;
      pendingBytes = false;
    } else {
      highSurrogate = false;
      bytes += chunk.byteLength;
      text = decoder.write(chunk);
      pendingBytes = true;
    }
    if (bytes > options.maxBytes) throw new Invalid('body', `larger than ${options.maxBytes} bytes`);
    scanner.write(text);
    if (scanner.mode !== 'before') await options.afterChunk(bytes);
  }
  if (pendingBytes) scanner.write(decoder.end());
  if (scanner.mode === 'before') throw new Invalid('body', 'is empty');
  if (scanner.mode !== 'after') throw notJson('the document ends early');
  const top = scanner.parsedSkeleton();
  if (scanner.shape === 'array') return { shape: 'array', bundleId: null };
  if (!isRecord(top)) throw notJson('the document is not an object');

  const looksLikeBundle = top.type === 'bundle' || Object.hasOwn(top, 'objects') || (typeof top.id === 'string' && top.id.startsWith('bundle--'));
  if (!looksLikeBundle) {
    options.onObject(top, '');
    await options.afterChunk(bytes);
    return { shape: 'object', bundleId: null };
  }
  if (top.type === undefined) throw new Invalid('type', 'is required: a bundle has "type": "bundle"');
  // The bundle's own properties, checked as the domain checks a whole bundle (its objects were checked one by one).
  const own = { ...top };
  if (Array.isArray(own.objects)) delete own.objects;
  const problem = validateBundle(own).problems[0];
  if (problem) throw new Invalid(problem.path || 'body', problem.reason);
  return { shape: 'bundle', bundleId: typeof top.id === 'string' ? top.id : null };
}
