// RFC 8941 Structured Field Values, the part HTTP message signatures (RFC 9421) and digests
// (RFC 9530) use: Dictionaries whose members are Items or Inner Lists, with Parameters, over every
// bare item type. The parser follows the RFC's parsing algorithm and fails on anything it does not
// describe; it is stricter in one respect: a key given twice in one dictionary or one parameter list
// is refused rather than silently overwritten, since in a signature header that means tampering or a bug.
import { Invalid } from '../errors.ts';

export type BareItem =
  | { readonly type: 'integer'; readonly value: number }
  | { readonly type: 'decimal'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'token'; readonly value: string }
  | { readonly type: 'bytes'; readonly value: Uint8Array }
  | { readonly type: 'boolean'; readonly value: boolean };

/** Parameters in the order written; keys are unique. */
export type Parameters = ReadonlyMap<string, BareItem>;

export interface Item {
  readonly value: BareItem;
  readonly params: Parameters;
}

export interface InnerList {
  readonly items: readonly Item[];
  readonly params: Parameters;
}

export type Member = Item | InnerList;
export type Dictionary = ReadonlyMap<string, Member>;

export const sfInteger = (value: number): BareItem => ({ type: 'integer', value });
export const sfDecimal = (value: number): BareItem => ({ type: 'decimal', value });
export const sfString = (value: string): BareItem => ({ type: 'string', value });
export const sfToken = (value: string): BareItem => ({ type: 'token', value });
export const sfBytes = (value: Uint8Array): BareItem => ({ type: 'bytes', value });
export const sfBoolean = (value: boolean): BareItem => ({ type: 'boolean', value });

const NO_PARAMS: Parameters = new Map();

export function item(bare: BareItem, params: Parameters = NO_PARAMS): Item {
  return { value: bare, params };
}

export function innerList(items: readonly Item[], params: Parameters = NO_PARAMS): InnerList {
  return { items, params };
}

export function isInnerList(member: Member): member is InnerList {
  return 'items' in member;
}

const MAX_INTEGER = 999_999_999_999_999;
const KEY_PATTERN = '[a-z*][a-z0-9_\\-.*]*';
const TOKEN_PATTERN = "[A-Za-z*][!#$%&'*+\\-.^_`|~0-9A-Za-z:/]*";
const KEY = new RegExp(`^${KEY_PATTERN}$`);
const TOKEN = new RegExp(`^${TOKEN_PATTERN}$`);
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

// ---------------------------------------------------------------- serialising (RFC 8941 section 4.1)

export function serializeDictionary(dictionary: Dictionary, field = 'dictionary'): string {
  const members: string[] = [];
  for (const [key, member] of dictionary) {
    const name = serializeKey(key, field);
    // A member whose value is Boolean true is written as its bare key, as the RFC requires.
    if (!isInnerList(member) && member.value.type === 'boolean' && member.value.value) members.push(name + serializeParameters(member.params, field));
    else members.push(`${name}=${serializeMember(member, field)}`);
  }
  return members.join(', ');
}

export function serializeMember(member: Member, field = 'member'): string {
  return isInnerList(member) ? serializeInnerList(member, field) : serializeItem(member, field);
}

export function serializeInnerList(list: InnerList, field = 'inner list'): string {
  return `(${list.items.map((entry) => serializeItem(entry, field)).join(' ')})${serializeParameters(list.params, field)}`;
}

export function serializeItem(entry: Item, field = 'item'): string {
  return serializeBareItem(entry.value, field) + serializeParameters(entry.params, field);
}

export function serializeParameters(params: Parameters, field = 'parameters'): string {
  let text = '';
  for (const [key, value] of params) {
    text += `;${serializeKey(key, field)}`;
    if (!(value.type === 'boolean' && value.value)) text += `=${serializeBareItem(value, field)}`;
  }
  return text;
}

export function serializeBareItem(bare: BareItem, field = 'item'): string {
  switch (bare.type) {
    case 'integer':
      if (!Number.isInteger(bare.value) || Math.abs(bare.value) > MAX_INTEGER) throw new Invalid(field, `integer ${bare.value} is not a whole number of at most 15 digits`);
      return String(bare.value);
    case 'decimal':
      return serializeDecimal(bare.value, field);
    case 'string':
      if (!PRINTABLE_ASCII.test(bare.value)) throw new Invalid(field, 'a string may hold printable ASCII characters only');
      return `"${bare.value.replace(/[\\"]/g, (character) => `\\${character}`)}"`;
    case 'token':
      if (!TOKEN.test(bare.value)) throw new Invalid(field, `"${bare.value}" is not a token`);
      return bare.value;
    case 'bytes':
      return `:${Buffer.from(bare.value.buffer, bare.value.byteOffset, bare.value.byteLength).toString('base64')}:`;
    case 'boolean':
      return bare.value ? '?1' : '?0';
  }
}

function serializeKey(key: string, field: string): string {
  if (!KEY.test(key)) throw new Invalid(field, `"${key}" is not a key: lower-case letters, digits, _ - . * and starting with a letter or *`);
  return key;
}

// Rounded to three fractional digits, ties to even; at most twelve integer digits.
function serializeDecimal(value: number, field: string): string {
  if (!Number.isFinite(value)) throw new Invalid(field, 'a decimal must be finite');
  const scaled = Math.abs(value) * 1000;
  const floor = Math.floor(scaled);
  const rest = scaled - floor;
  const thousandths = rest > 0.5 || (rest === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
  const whole = Math.floor(thousandths / 1000);
  if (whole > 999_999_999_999) throw new Invalid(field, `decimal ${value} has more than 12 integer digits`);
  const fraction = String(thousandths % 1000).padStart(3, '0').replace(/0{1,2}$/, '');
  const sign = value < 0 && thousandths !== 0 ? '-' : '';
  return `${sign}${whole}.${fraction}`;
}

// ---------------------------------------------------------------- parsing (RFC 8941 section 4.2)

/** Parses a Dictionary field value; throws Invalid(field, …) naming the position of the first error. */
export function parseDictionary(text: string, field = 'dictionary'): Dictionary {
  const parser = new Parser(text, field);
  const dictionary = parser.dictionary();
  parser.end();
  return dictionary;
}

/** Parses an Item field value (a bare item with parameters). */
export function parseItem(text: string, field = 'item'): Item {
  const parser = new Parser(text, field);
  const parsed = parser.item();
  parser.end();
  return parsed;
}

const KEY_AT = new RegExp(KEY_PATTERN, 'y');
const TOKEN_AT = new RegExp(TOKEN_PATTERN, 'y');

class Parser {
  private position = 0;

  constructor(
    private readonly input: string,
    private readonly field: string,
  ) {
    const outside = /[^\x00-\x7f]/.exec(input);
    if (outside) this.fail('structured fields are ASCII only', outside.index);
    this.skipSpaces();
  }

  end(): void {
    this.skipSpaces();
    if (this.position < this.input.length) this.fail(`unexpected "${this.peek()}"`);
  }

  dictionary(): Map<string, Member> {
    const dictionary = new Map<string, Member>();
    while (this.position < this.input.length) {
      const at = this.position;
      const key = this.key();
      let member: Member;
      if (this.peek() === '=') {
        this.position += 1;
        member = this.itemOrInnerList();
      } else {
        member = item(sfBoolean(true), this.parameters());
      }
      if (dictionary.has(key)) this.fail(`the key "${key}" appears twice`, at);
      dictionary.set(key, member);
      this.skipWhitespace();
      if (this.position >= this.input.length) return dictionary;
      if (this.peek() !== ',') this.fail(`expected "," between members, found "${this.peek()}"`);
      this.position += 1;
      this.skipWhitespace();
      if (this.position >= this.input.length) this.fail('a trailing "," ends the dictionary');
    }
    return dictionary;
  }

  item(): Item {
    const bare = this.bareItem();
    return item(bare, this.parameters());
  }

  private itemOrInnerList(): Member {
    return this.peek() === '(' ? this.innerList() : this.item();
  }

  private innerList(): InnerList {
    this.position += 1; // (
    const items: Item[] = [];
    while (this.position < this.input.length) {
      this.skipSpaces();
      if (this.peek() === ')') {
        this.position += 1;
        return innerList(items, this.parameters());
      }
      items.push(this.item());
      const next = this.peek();
      if (next !== ' ' && next !== ')') this.fail(next === undefined ? 'the inner list is not closed with ")"' : `expected " " or ")" in the inner list, found "${next}"`);
    }
    return this.fail('the inner list is not closed with ")"');
  }

  private parameters(): Map<string, BareItem> {
    const params = new Map<string, BareItem>();
    while (this.peek() === ';') {
      this.position += 1;
      this.skipSpaces();
      const at = this.position;
      const key = this.key();
      let value: BareItem = sfBoolean(true);
      if (this.peek() === '=') {
        this.position += 1;
        value = this.bareItem();
      }
      if (params.has(key)) this.fail(`the parameter "${key}" appears twice`, at);
      params.set(key, value);
    }
    return params;
  }

  private key(): string {
    const match = this.match(KEY_AT);
    if (match === undefined) return this.fail(this.peek() === undefined ? 'expected a key, found the end' : `expected a key (lower-case letter or *), found "${this.peek()}"`);
    return match;
  }

  private bareItem(): BareItem {
    const first = this.peek();
    if (first === undefined) return this.fail('expected a value, found the end');
    if (first === '-' || isDigit(first)) return this.number();
    if (first === '"') return this.string();
    if (first === ':') return this.bytes();
    if (first === '?') return this.boolean();
    if (/[A-Za-z*]/.test(first)) return this.token();
    return this.fail(`"${first}" cannot start a value`);
  }

  private number(): BareItem {
    const start = this.position;
    const negative = this.peek() === '-';
    if (negative) this.position += 1;
    const digitsStart = this.position;
    if (!isDigit(this.peek())) this.fail('expected a digit');
    let decimalPoint = -1;
    while (this.position < this.input.length) {
      const character = this.input[this.position]!;
      if (isDigit(character)) this.position += 1;
      else if (character === '.' && decimalPoint < 0) {
        if (this.position - digitsStart > 12) this.fail('a decimal has at most 12 integer digits', start);
        decimalPoint = this.position;
        this.position += 1;
      } else break;
      const length = this.position - digitsStart;
      if (decimalPoint < 0 && length > 15) this.fail('an integer has at most 15 digits', start);
      if (decimalPoint >= 0 && length > 16) this.fail('a decimal has at most 16 characters', start);
    }
    const text = this.input.slice(start, this.position);
    if (decimalPoint < 0) return sfInteger(Number(text));
    const fractionDigits = this.position - decimalPoint - 1;
    if (fractionDigits === 0) this.fail('a decimal needs digits after "."', start);
    if (fractionDigits > 3) this.fail('a decimal has at most 3 fractional digits', start);
    return sfDecimal(Number(text));
  }

  private string(): BareItem {
    const start = this.position;
    this.position += 1; // "
    let value = '';
    while (this.position < this.input.length) {
      const character = this.input[this.position]!;
      this.position += 1;
      if (character === '\\') {
        const escaped = this.input[this.position];
        if (escaped !== '"' && escaped !== '\\') this.fail('only \\" and \\\\ may be escaped in a string', this.position - 1);
        value += escaped;
        this.position += 1;
      } else if (character === '"') {
        return sfString(value);
      } else if (character < ' ' || character > '~') {
        this.fail('a string may hold printable ASCII characters only', this.position - 1);
      } else {
        value += character;
      }
    }
    return this.fail('the string is not closed with "', start);
  }

  private token(): BareItem {
    return sfToken(this.match(TOKEN_AT)!);
  }

  private bytes(): BareItem {
    const start = this.position;
    const close = this.input.indexOf(':', start + 1);
    if (close < 0) this.fail('the byte sequence is not closed with ":"', start);
    const encoded = this.input.slice(start + 1, close);
    // Padding may be left out and pad bits may be set (RFC 8941 4.2.7), but nothing else is tolerated.
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded) || (encoded.endsWith('=') ? encoded.length % 4 !== 0 : encoded.length % 4 === 1)) {
      this.fail('the byte sequence is not base64', start);
    }
    this.position = close + 1;
    return sfBytes(new Uint8Array(Buffer.from(encoded, 'base64')));
  }

  private boolean(): BareItem {
    const value = this.input[this.position + 1];
    if (value !== '0' && value !== '1') this.fail('a boolean is ?0 or ?1');
    this.position += 2;
    return sfBoolean(value === '1');
  }

  // Consumes what the sticky pattern matches at the current position.
  private match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.position;
    const found = pattern.exec(this.input);
    if (found === null) return undefined;
    this.position += found[0].length;
    return found[0];
  }

  private peek(): string | undefined {
    return this.input[this.position];
  }

  private skipSpaces(): void {
    while (this.input[this.position] === ' ') this.position += 1;
  }

  private skipWhitespace(): void {
    while (this.input[this.position] === ' ' || this.input[this.position] === '\t') this.position += 1;
  }

  private fail(reason: string, at = this.position): never {
    throw new Invalid(this.field, `${reason} (at character ${at + 1})`);
  }
}

function isDigit(character: string | undefined): boolean {
  return character !== undefined && character >= '0' && character <= '9';
}
