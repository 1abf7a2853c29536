// Finds indicators in pasted free text (an advisory, a ticket, a chat log), defanged or not.
// Recognises URLs, e-mail addresses, IPv4 and IPv6 addresses and prefixes, md5/sha1/sha256/sha512
// hashes, CVE identifiers and domain names; every find is validated and normalised like typed input.
import { Invalid } from '../errors.ts';
import { normaliseIndicator } from './normalise.ts';
import { isDefanged, refang } from './refang.ts';
import type { IndicatorType } from './types.ts';

export interface ExtractedIndicator {
  type: IndicatorType;
  value: string;
  normalised: string;
}

const DOT = String.raw`(?:\.|\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\))`;
const AT = String.raw`(?:@|\[@\]|\[at\]|\(at\))`;
const WORD = String.raw`[\p{L}\p{N}_]`;
const LABEL = String.raw`[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?`;
const TLD = String.raw`(?:xn--[a-z0-9-]{1,59}|\p{L}{2,24})`;
const DOMAIN = String.raw`(?:${LABEL}${DOT})+${TLD}`;
const OCTET = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;
const IPV4 = String.raw`${OCTET}(?:${DOT}${OCTET}){3}`;
// Up to the first space, quote or angle bracket; trailing punctuation is trimmed afterwards.
const URL_REST = String.raw`[^\s<>"'\x60]`;

// Tried in this order at each position, so a URL is taken whole before the domain inside it.
const PATTERNS = {
  url: String.raw`(?<![\p{L}\p{N}])(?:h(?:tt|xx)ps?|ftp)(?::\/\/|\[:\/\/\]|\[:\]\/\/)${URL_REST}+`,
  email: String.raw`(?<![\p{L}\p{N}_.%+-])[\p{L}\p{N}._%+-]+${AT}${DOMAIN}(?![\p{L}\p{N}_-])`,
  ipv4: String.raw`(?<![\p{L}\p{N}_.])${IPV4}(?:\/(?:3[0-2]|[12]?\d))?(?!${WORD}|${DOT}\p{N})`,
  hash: String.raw`(?<!${WORD})(?:[0-9a-f]{128}|[0-9a-f]{64}|[0-9a-f]{40}|[0-9a-f]{32})(?!${WORD})`,
  ipv6: String.raw`(?<![\p{L}\p{N}_:.])(?:[0-9a-f]{0,4}:){2,7}(?:${IPV4}|[0-9a-f]{1,4})?(?:\/\d{1,3})?(?![\p{L}\p{N}_:])`,
  cve: String.raw`(?<!${WORD})CVE-\d{4}-\d{4,}(?!${WORD})`,
  // evil[.]example/payload.bin: a URL whose scheme was left out.
  bareUrl: String.raw`(?<![\p{L}\p{N}_.@\/\\-])${DOMAIN}(?::\d{1,5})?\/${URL_REST}*`,
  domain: String.raw`(?<![\p{L}\p{N}_.@\/\\-])${DOMAIN}(?![\p{L}\p{N}_-]|${DOT}[\p{L}\p{N}])`,
} as const;

type Kind = keyof typeof PATTERNS;

const SCANNER = new RegExp(
  Object.entries(PATTERNS)
    .map(([kind, pattern]) => `(?<${kind}>${pattern})`)
    .join('|'),
  'giu',
);

const HASH_TYPES: Readonly<Record<number, IndicatorType>> = { 32: 'md5', 40: 'sha1', 64: 'sha256', 128: 'sha512' };

// Common generic TLDs; any two-letter (country) TLD and any IDN TLD is accepted too. A plain
// "name.word" outside this list is more often prose ("done.Then") than a domain.
const GENERIC_TLDS: ReadonlySet<string> = new Set(
  (
    'com net org info biz edu gov mil int name pro mobi asia tel aero coop jobs travel cat post xxx arab ' +
    'xyz top online site club shop store live life world today tech space website fun icu vip app dev cloud ' +
    'link click buzz monster work news email digital network services support solutions systems group company ' +
    'center agency host page blog wiki zone run ltd bar rest lol cyou sbs cfd bond quest skin cam win bid loan ' +
    'date download review stream trade party racing science men mom kim best black red blue pink rocks ninja ' +
    'guru global plus city tokyo moscow berlin london paris africa onion'
  ).split(' '),
);

// Names ending like these are files (invoice.pdf, setup.exe, libc.so), even where the ending is also a
// TLD (.zip, .mov, .sh, .py, .md, .so). Defanged spellings are taken as domains regardless: whoever
// wrote evil[.]zip meant the domain.
const FILE_EXTENSIONS: ReadonlySet<string> = new Set(
  (
    'exe dll sys scr pif bat cmd vbs vbe js jse wsf hta lnk msi jar apk dmg iso img vhd zip rar gz xz tar cab ' +
    'doc docx docm dot xls xlsx xlsm ppt pptx rtf pdf one txt csv log ini cfg conf json xml yml yaml htm html ' +
    'php asp aspx jsp py sh so ko rb go cs ts md db png jpg jpeg gif bmp svg mp3 mp4 mov avi tmp dat bin bak ' +
    'elf eml msg'
  ).split(' '),
);

export function extractIndicators(text: string): ExtractedIndicator[] {
  const found = new Map<string, ExtractedIndicator>();
  const scanner = new RegExp(SCANNER);
  for (let match = scanner.exec(text); match !== null; match = scanner.exec(text)) {
    const indicator = recognise(match);
    if (indicator === undefined) {
      // Nothing usable starts here; something may start at the next character.
      scanner.lastIndex = match.index + 1;
      continue;
    }
    const key = `${indicator.type}\u0000${indicator.normalised}`;
    if (!found.has(key)) found.set(key, indicator);
  }
  return [...found.values()];
}

function recognise(match: RegExpExecArray): ExtractedIndicator | undefined {
  const groups = match.groups ?? {};
  const kind = (Object.keys(PATTERNS) as Kind[]).find((name) => groups[name] !== undefined);
  if (kind === undefined) return undefined;
  const candidate = interpret(kind, match[0]);
  if (candidate === undefined) return undefined;
  try {
    const { value, normalised } = normaliseIndicator(candidate.type, candidate.text);
    return { type: candidate.type, value, normalised };
  } catch (error) {
    if (error instanceof Invalid) return undefined;
    throw error;
  }
}

function interpret(kind: Kind, text: string): { type: IndicatorType; text: string } | undefined {
  switch (kind) {
    case 'url':
      return { type: 'url', text: trimTrailingPunctuation(text) };
    case 'bareUrl': {
      const url = trimTrailingPunctuation(text);
      const host = url.split(/[/:]/, 1)[0] ?? '';
      return isLikelyDomain(host) ? { type: 'url', text: url } : undefined;
    }
    case 'email':
      // Prose rarely says whether an address sent or received; MISP's free-text import also picks email-src.
      return { type: 'email-src', text };
    case 'ipv4':
    case 'ipv6':
      // A lone "::" (or a time such as 10:30:00) is not worth reporting; the normaliser rejects the latter.
      if (kind === 'ipv6' && !/[0-9a-f]/i.test(text)) return undefined;
      return { type: 'ip-dst', text };
    case 'hash': {
      const type = HASH_TYPES[text.length];
      return type === undefined ? undefined : { type, text };
    }
    case 'cve':
      return { type: 'vulnerability', text };
    case 'domain':
      return isLikelyDomain(text) ? { type: 'domain', text } : undefined;
  }
}

function isLikelyDomain(text: string): boolean {
  if (isDefanged(text)) return true;
  const tld = (refang(text).split('.').at(-1) ?? '').toLowerCase();
  if (FILE_EXTENSIONS.has(tld)) return false;
  return tld.length === 2 || tld.startsWith('xn--') || /[^a-z]/.test(tld) || GENERIC_TLDS.has(tld);
}

const OPENING: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };

// "See hxxp://evil[.]example/a." or "(hxxp://evil[.]example/a)": the sentence's punctuation is not part of
// the URL, but a closing bracket the URL itself opened is.
function trimTrailingPunctuation(url: string): string {
  let end = url.length;
  while (end > 0) {
    const last = url.charAt(end - 1);
    const opening = OPENING[last];
    const kept = url.slice(0, end);
    if (/[.,;:!?'"]/.test(last) || (opening !== undefined && count(kept, opening) < count(kept, last))) end -= 1;
    else break;
  }
  return url.slice(0, end);
}

function count(text: string, character: string): number {
  return text.split(character).length - 1;
}

// Shapes that the scanner can only read one way, checked without it: lookups of SIEM batches are
// mostly plain hashes, addresses and URLs, and the full scan costs several microseconds a value.
const PLAIN_HASH = /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}|[0-9a-f]{128})$/i;
const PLAIN_IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
const PLAIN_URL = /^(?:https?|ftp):\/\/[^\s<>"'\x60]*[^\s<>"'\x60.,;:!?)\]}]$/i;

function plainShape(text: string): IndicatorType | undefined {
  if (PLAIN_HASH.test(text)) return HASH_TYPES[text.length];
  if (PLAIN_IPV4.test(text)) return 'ip-dst';
  if (PLAIN_URL.test(text)) return 'url';
  return undefined;
}

/** The indicator one looked-up value stands for: the same answer as the first find of
 *  `extractIndicators`, reached without scanning when the value has a plain shape. */
export function recogniseValue(text: string): ExtractedIndicator | undefined {
  const type = plainShape(text);
  if (type !== undefined) {
    try {
      const { value, normalised } = normaliseIndicator(type, text);
      return { type, value, normalised };
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
    }
  }
  return extractIndicators(text)[0];
}

const AS_NUMBER = /^AS\s?\d{1,10}$/i;

/** What a value typed into an observable or routing field stands for: an AS number (`AS64500`),
 *  which free text never yields, or whatever `recogniseValue` reads. */
export function recogniseObservable(text: string): ExtractedIndicator | undefined {
  const trimmed = text.trim();
  if (AS_NUMBER.test(trimmed)) {
    try {
      const { value, normalised } = normaliseIndicator('AS', trimmed);
      return { type: 'AS', value, normalised };
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
    }
  }
  return recogniseValue(trimmed);
}
