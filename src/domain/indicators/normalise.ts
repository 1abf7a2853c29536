// Each indicator has two spellings: the value as the author wrote it (trimmed, refanged) and a normalised
// form under which equal indicators compare equal. Correlation keys are built from the normalised form.
import { domainToASCII } from 'node:url';
import ipaddr from 'ipaddr.js';
import { normaliseAsn, normaliseDomain, normaliseIpPrefix } from '../constituency.ts';
import { isCountryCode } from '../country.ts';
import { normaliseEmail } from '../email.ts';
import { Invalid } from '../errors.ts';
import { refang } from './refang.ts';
import { indicatorTypeInfo, isIndicatorType, type IndicatorType } from './types.ts';

export interface NormalisedIndicator {
  /** As written, trimmed and refanged: what people see. */
  value: string;
  /** The matching key: equal indicators have equal normalised values. */
  normalised: string;
  /** The normalised halves of a composite value (MISP's value1 and value2). */
  parts?: [string, string];
}

type Normaliser = (text: string, field: string) => string;

interface Part {
  readonly normalise: Normaliser;
  /** Key space this part correlates in; null when it identifies nothing on its own (a port). */
  readonly keySpace: string | null;
  /** Correlates, but is not what the composite is about: filename|sha256 is first of all a hash. */
  readonly weak?: boolean;
}

interface Syntax {
  readonly parts: readonly [Part] | readonly [Part, Part];
  /** Network locators are routinely pasted defanged. */
  readonly refang?: boolean;
  /** Rules and notes span lines; every other value is one line. */
  readonly multiline?: boolean;
  readonly maxBytes?: number;
}

const KIB = 1024;
const MIB = 1024 * KIB;
const MAX_BYTES = 128 * KIB;
// Detection rules and free-text notes may be long.
const MAX_LONG_BYTES = MIB;

// ----------------------------------------------------------------- addresses

const IP_EXAMPLE = 'such as 192.0.2.1 or 2001:db8::1';

function ipAddressOrPrefix(text: string, field: string): string {
  const { kind, value } = normaliseIpPrefix(text, field);
  // A full-length prefix is one address, written without its /32 or /128.
  return value.replace(kind === 'ipv4' ? /\/32$/ : /\/128$/, '');
}

function ipAddress(text: string, field: string): string {
  if (text.includes('/')) throw new Invalid(field, `must be a single IP address, not a prefix, ${IP_EXAMPLE}`);
  if (!ipaddr.isValid(text)) throw new Invalid(field, `must be an IP address ${IP_EXAMPLE}`);
  return ipAddressOrPrefix(text, field);
}

function portNumber(text: string, field: string): string {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65_535) throw new Invalid(field, 'must be a port number from 0 to 65535');
  return String(Number(text));
}

function domainName(text: string, field: string): string {
  // Checked here because normaliseDomain words these for constituencies.
  if (text.startsWith('*')) throw new Invalid(field, 'must be a concrete domain name, not a wildcard');
  // The character test first: ipaddr.js validates by throwing and catching, slow on every domain ingested.
  if (/^[0-9a-fx.:]+$/i.test(text) && ipaddr.isValid(text)) throw new Invalid(field, 'is an IP address: use type ip-dst or ip-src');
  if (/(^|\.)\d+\.?$/.test(text)) throw new Invalid(field, 'the top-level label cannot be all digits');
  return normaliseDomain(text, field);
}

function emailAddress(text: string, field: string): string {
  const address = normaliseEmail(text, field);
  const at = address.lastIndexOf('@');
  return `${address.slice(0, at)}@${domainName(address.slice(at + 1), field)}`;
}

// ---------------------------------------------------------------------- URLs

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const AUTHORITY = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i;
// The URL parser understands hosts and default ports of these schemes only; other hosts stay opaque.
const SPECIAL_SCHEMES: ReadonlySet<string> = new Set(['http', 'https', 'ftp', 'ws', 'wss']);
const UNRESERVED = /^[A-Za-z0-9._~-]$/;

function url(text: string, field: string): string {
  const hasScheme = SCHEME.test(text);
  const absolute = hasScheme ? text : assumeHttp(text, field);
  const authority = AUTHORITY.exec(absolute)?.[1] ?? '';
  if (authority.replace(/^.*@/, '').replace(/:\d*$/, '') === '') throw new Invalid(field, 'must have a host');
  if (/\s/.test(authority)) throw new Invalid(field, 'the host must not contain spaces');
  if (/[^\S ]/.test(absolute)) throw new Invalid(field, 'must not contain tabs or line breaks');

  let parsed: URL;
  try {
    parsed = new URL(absolute);
  } catch {
    throw new Invalid(field, 'is not a valid URL');
  }
  const scheme = parsed.protocol.slice(0, -1);
  const host = urlHost(parsed, SPECIAL_SCHEMES.has(scheme), field);
  if (!hasScheme && !host.includes('.') && !host.startsWith('[')) {
    throw new Invalid(field, 'must start with a scheme such as https://');
  }
  const credentials = parsed.password === '' ? parsed.username : `${parsed.username}:${parsed.password}`;
  const userinfo = credentials === '' ? '' : `${credentials}@`;
  // The parser already drops default ports (:80 for http, :443 for https) and the fragment.
  const port = parsed.port === '' ? '' : `:${parsed.port}`;
  const path = normalisePercentEncoding(parsed.pathname === '' ? '/' : parsed.pathname);
  return `${scheme}://${userinfo}${host}${port}${path}${parsed.search}`;
}

// "example.com/path" is a URL to its readers; the matching key spells out the http they assume.
function assumeHttp(text: string, field: string): string {
  if (text.startsWith('//')) return `http:${text}`;
  if (text.startsWith('/')) throw new Invalid(field, 'has no host: a path on its own is type uri');
  // mailto:, javascript: and the like: a scheme without a host.
  if (/^[a-z][a-z0-9+.-]*:(?!\d)/i.test(text)) throw new Invalid(field, 'must be a URL with a host, such as https://example.com/');
  return `http://${text}`;
}

function urlHost(parsed: URL, special: boolean, field: string): string {
  const host = parsed.hostname;
  if (host.startsWith('[')) {
    const address = ipAddress(host.slice(1, -1), field);
    return address.includes(':') ? `[${address}]` : address;
  }
  const ascii = (special ? host : domainToASCII(decodePercent(host))).replace(/\.$/, '');
  if (ascii.split('.').includes('')) throw new Invalid(field, 'has an invalid host');
  return ascii;
}

function decodePercent(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

// RFC 3986 §6.2.2: unreserved characters need no escaping; escapes compare case-insensitively.
function normalisePercentEncoding(path: string): string {
  return path.replace(/%([0-9a-f]{2})/gi, (escape, hex: string) => {
    const character = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(character) ? character : escape.toUpperCase();
  });
}

function uriPath(text: string, field: string): string {
  if (SCHEME.test(text)) throw new Invalid(field, 'is a full URL: use type url');
  if (/\s/.test(text)) throw new Invalid(field, 'must not contain spaces');
  return text;
}

// -------------------------------------------------------------------- digests

function hexDigest(name: string, length: number): Normaliser {
  return (text, field) => {
    if (!/^[0-9a-f]+$/i.test(text)) throw new Invalid(field, `${name} must be hexadecimal (0-9, a-f)`);
    if (text.length !== length) throw new Invalid(field, `expected ${length} hex characters for ${name}, got ${text.length}`);
    return text.toLowerCase();
  };
}

// Certificate tools print fingerprints as colon-separated bytes (AB:CD:...).
function certificateFingerprint(name: string, length: number): Normaliser {
  const digest = hexDigest(name, length);
  return (text, field) => digest(/^[0-9a-f]{2}(?::[0-9a-f]{2})+$/i.test(text) ? text.replaceAll(':', '') : text, field);
}

const SSDEEP = /^(\d{1,10}):([0-9A-Za-z+/]{0,64}):([0-9A-Za-z+/]{0,64})$/;

function ssdeep(text: string, field: string): string {
  const [, blockSizeText = '', first = '', second = ''] = SSDEEP.exec(text) ?? [];
  if (blockSizeText === '') throw new Invalid(field, 'must be an ssdeep hash: blocksize:hash:hash');
  const blockSize = Number(blockSizeText);
  // ssdeep block sizes are 3, 6, 12, 24, ...
  if (blockSize < 3 || blockSize % 3 !== 0 || !Number.isInteger(Math.log2(blockSize / 3))) {
    throw new Invalid(field, `ssdeep block size ${blockSize} is not 3 times a power of two`);
  }
  return `${blockSize}:${first}:${second}`;
}

const TLSH = /^(?:T1)?([0-9a-f]{70}|[0-9a-f]{72})$/i;

// Newer TLSH versions prefix the same digest with T1; both spellings match as T1 + upper-case hex.
function tlsh(text: string, field: string): string {
  const [, digest] = TLSH.exec(text) ?? [];
  if (digest === undefined) throw new Invalid(field, 'must be a TLSH digest: 70 or 72 hex characters, optionally after T1');
  return `T1${digest.toUpperCase()}`;
}

// ----------------------------------------------------------- host artefacts

// Windows file names are case-insensitive.
function filename(text: string): string {
  return text.toLowerCase();
}

const HIVES: ReadonlyMap<string, string> = new Map([
  ['hklm', 'hkey_local_machine'],
  ['hkcu', 'hkey_current_user'],
  ['hkcr', 'hkey_classes_root'],
  ['hku', 'hkey_users'],
  ['hkcc', 'hkey_current_config'],
  // Kernel-side names seen in EDR and Sysmon logs.
  ['registry\\machine', 'hkey_local_machine'],
  ['registry\\user', 'hkey_users'],
]);
// A hive at the start of a key, possibly in PowerShell drive form (HKLM:\...).
const HIVE = /^\\?(registry\\(?:machine|user)|hk[a-z_]+):?(?=\\|$)/;

// Registry paths are case-insensitive and no key name is empty, so doubled backslashes (left over from
// JSON or C escaping) and trailing backslashes carry no meaning.
function registryKey(text: string, field: string): string {
  const key = withoutTrailing(text.toLowerCase().replace(/\\{2,}/g, '\\'), '\\ \t');
  if (key === '') throw new Invalid(field, 'must be a registry key such as HKLM\\Software\\Vendor');
  const match = HIVE.exec(key);
  if (match === null) return key;
  const hive = match[1] ?? '';
  return (HIVES.get(hive) ?? hive) + key.slice(match[0].length);
}

// A loop rather than /[...]+$/, which takes quadratic time on long runs of such characters.
function withoutTrailing(text: string, characters: string): string {
  let end = text.length;
  while (end > 0 && characters.includes(text.charAt(end - 1))) end -= 1;
  return text.slice(0, end);
}

function asWritten(text: string): string {
  return text;
}

// ---------------------------------------------------------------- identifiers

function cve(text: string, field: string): string {
  if (!/^CVE-\d{4}-\d{4,}$/i.test(text)) throw new Invalid(field, 'must be a CVE identifier such as CVE-2021-44228');
  return text.toUpperCase();
}

function cwe(text: string, field: string): string {
  if (!/^CWE-\d+$/i.test(text)) throw new Invalid(field, 'must be a CWE identifier such as CWE-79');
  return text.toUpperCase();
}

// ------------------------------------------------------------------ financial

const BASE58_BITCOIN = /^[13][1-9A-HJ-NP-Za-km-z]{25,34}$/;
// Segwit v0 (42 characters) and v1+ (62 characters) addresses; bech32 has no 1, b, i or o after "bc1".
const BECH32_BITCOIN = /^bc1[02-9ac-hj-np-z]{39,59}$/;

function bitcoinAddress(text: string, field: string): string {
  if (BASE58_BITCOIN.test(text)) return text;
  // Bech32 is case-insensitive but must not mix cases.
  const lower = text.toLowerCase();
  if ((text === lower || text === text.toUpperCase()) && BECH32_BITCOIN.test(lower)) return lower;
  throw new Invalid(field, 'must be a Bitcoin address: base58 starting with 1 or 3, or bech32 starting with bc1');
}

// Standard and subaddresses have 95 base58 characters, integrated addresses 106.
const MONERO = /^[48][1-9A-HJ-NP-Za-km-z]{94}(?:[1-9A-HJ-NP-Za-km-z]{11})?$/;

function moneroAddress(text: string, field: string): string {
  if (!MONERO.test(text)) throw new Invalid(field, 'must be a Monero address: 95 or 106 base58 characters starting with 4 or 8');
  return text;
}

// Kosovo's IBANs use the user-assigned code XK.
const IBAN_ONLY_COUNTRIES: ReadonlySet<string> = new Set(['XK']);

function iban(text: string, field: string): string {
  const compact = text.replace(/[\s-]/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(compact)) {
    throw new Invalid(field, 'must be an IBAN: country code, two check digits and up to 30 letters or digits');
  }
  const country = compact.slice(0, 2);
  if (!isCountryCode(country) && !IBAN_ONLY_COUNTRIES.has(country)) throw new Invalid(field, `${country} is not a country code`);
  if (ibanRemainder(compact.slice(4) + compact.slice(0, 4)) !== 1) throw new Invalid(field, 'IBAN check digits do not match');
  return compact;
}

// ISO 13616: letters count as 10..35; the number, taken mod 97, must be 1. Computed digit by digit.
function ibanRemainder(text: string): number {
  let remainder = 0;
  for (const character of text) {
    const digits = String(Number.parseInt(character, 36));
    for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder;
}

function phoneNumber(text: string, field: string): string {
  if (!/^\+?[\d\s().\/-]+$/.test(text)) {
    throw new Invalid(field, 'must be a phone number: digits, optionally after +, with spaces, dots, dashes or brackets');
  }
  const digits = text.replace(/\D/g, '');
  const international = text.startsWith('+');
  // E.164 numbers have at most 15 digits; national spellings may add a trunk or exit prefix.
  const maxDigits = international ? 15 : 20;
  if (digits.length < 3 || digits.length > maxDigits) {
    throw new Invalid(field, `must have 3 to ${maxDigits} digits`);
  }
  return international ? `+${digits}` : digits;
}

// ---------------------------------------------------------------- the syntax table

const IP_OR_PREFIX: Part = { normalise: ipAddressOrPrefix, keySpace: 'ip' };
const IP: Part = { normalise: ipAddress, keySpace: 'ip' };
const PORT: Part = { normalise: portNumber, keySpace: null };
const DOMAIN: Part = { normalise: domainName, keySpace: 'dom' };
const URL_PART: Part = { normalise: url, keySpace: 'url' };
const EMAIL: Part = { normalise: emailAddress, keySpace: 'email' };
const FILENAME: Part = { normalise: filename, keySpace: 'filename' };
const FILENAME_OF_HASH: Part = { ...FILENAME, weak: true };
const REGKEY: Part = { normalise: registryKey, keySpace: 'regkey' };
// Registry value data such as "1" or a common path is too frequent to correlate on.
const REGISTRY_DATA: Part = { normalise: asWritten, keySpace: null };
const SSDEEP_PART: Part = { normalise: ssdeep, keySpace: 'ssdeep' };
const TLSH_PART: Part = { normalise: tlsh, keySpace: 'tlsh' };

function digest(name: string, length: number): Part {
  return { normalise: hexDigest(name, length), keySpace: name };
}

function certificate(name: string, length: number): Part {
  return { normalise: certificateFingerprint(name, length), keySpace: name };
}

function own(keySpace: string, normalise: Normaliser): Part {
  return { normalise, keySpace };
}

const MD5 = digest('md5', 32);
const SHA1 = digest('sha1', 40);
const SHA256 = digest('sha256', 64);
const SHA512 = digest('sha512', 128);
const IMPHASH = digest('imphash', 32);
const NO_KEY: Part = { normalise: asWritten, keySpace: null };

const SYNTAX: { readonly [T in IndicatorType]: Syntax } = {
  'ip-src': { parts: [IP_OR_PREFIX], refang: true },
  'ip-dst': { parts: [IP_OR_PREFIX], refang: true },
  'ip-src|port': { parts: [IP, PORT], refang: true },
  'ip-dst|port': { parts: [IP, PORT], refang: true },
  domain: { parts: [DOMAIN], refang: true },
  hostname: { parts: [DOMAIN], refang: true },
  'hostname|port': { parts: [DOMAIN, PORT], refang: true },
  'domain|ip': { parts: [DOMAIN, IP], refang: true },
  url: { parts: [URL_PART], refang: true },
  link: { parts: [URL_PART], refang: true },
  uri: { parts: [own('uri', uriPath)] },
  'user-agent': { parts: [own('user-agent', asWritten)] },
  AS: { parts: [own('AS', normaliseAsn)] },
  port: { parts: [PORT] },
  'ja3-fingerprint-md5': { parts: [digest('ja3-fingerprint-md5', 32)] },
  snort: { parts: [own('snort', asWritten)], multiline: true, maxBytes: MAX_LONG_BYTES },

  email: { parts: [EMAIL], refang: true },
  'email-src': { parts: [EMAIL], refang: true },
  'email-dst': { parts: [EMAIL], refang: true },
  'email-subject': { parts: [own('email-subject', asWritten)] },

  md5: { parts: [MD5] },
  sha1: { parts: [SHA1] },
  sha256: { parts: [SHA256] },
  sha512: { parts: [SHA512] },
  ssdeep: { parts: [SSDEEP_PART] },
  imphash: { parts: [IMPHASH] },
  tlsh: { parts: [TLSH_PART] },
  filename: { parts: [FILENAME] },
  'filename|md5': { parts: [FILENAME_OF_HASH, MD5] },
  'filename|sha1': { parts: [FILENAME_OF_HASH, SHA1] },
  'filename|sha256': { parts: [FILENAME_OF_HASH, SHA256] },
  'filename|sha512': { parts: [FILENAME_OF_HASH, SHA512] },
  'filename|imphash': { parts: [FILENAME_OF_HASH, IMPHASH] },
  'filename|ssdeep': { parts: [FILENAME_OF_HASH, SSDEEP_PART] },
  'filename|tlsh': { parts: [FILENAME_OF_HASH, TLSH_PART] },
  'x509-fingerprint-md5': { parts: [certificate('x509-fingerprint-md5', 32)] },
  'x509-fingerprint-sha1': { parts: [certificate('x509-fingerprint-sha1', 40)] },
  'x509-fingerprint-sha256': { parts: [certificate('x509-fingerprint-sha256', 64)] },

  // Mutex names, like other named kernel objects, are case-sensitive.
  mutex: { parts: [own('mutex', asWritten)] },
  regkey: { parts: [REGKEY] },
  'regkey|value': { parts: [REGKEY, REGISTRY_DATA] },

  yara: { parts: [own('yara', asWritten)], multiline: true, maxBytes: MAX_LONG_BYTES },
  sigma: { parts: [own('sigma', asWritten)], multiline: true, maxBytes: MAX_LONG_BYTES },

  vulnerability: { parts: [own('vulnerability', cve)] },
  weakness: { parts: [own('weakness', cwe)] },

  btc: { parts: [own('btc', bitcoinAddress)] },
  xmr: { parts: [own('xmr', moneroAddress)] },
  iban: { parts: [own('iban', iban)] },
  'phone-number': { parts: [own('phone-number', phoneNumber)] },

  text: { parts: [NO_KEY], multiline: true, maxBytes: MAX_LONG_BYTES },
  comment: { parts: [NO_KEY], multiline: true },
  other: { parts: [NO_KEY], multiline: true },
};

// ------------------------------------------------------------------ entry points

export function normaliseIndicator(type: IndicatorType, value: string, field = 'value'): NormalisedIndicator {
  if (!isIndicatorType(type)) throw new TypeError(`unknown indicator type ${String(type)}`);
  if (typeof value !== 'string') throw new Invalid(field, 'must be a string');
  const syntax = SYNTAX[type];
  const maxBytes = syntax.maxBytes ?? MAX_BYTES;
  if (Buffer.byteLength(value, 'utf8') > maxBytes) throw new Invalid(field, `must be at most ${formatBytes(maxBytes)}`);

  const display = syntax.refang ? refang(value.trim()) : value.trim();
  if (display === '') throw new Invalid(field, 'must not be empty');
  if (display.includes('\0')) throw new Invalid(field, 'must not contain NUL characters');
  if (!syntax.multiline && /[\r\n]/.test(display)) throw new Invalid(field, 'must be a single line');

  const [head, tail] = syntax.parts;
  if (tail === undefined) return { value: display, normalised: head.normalise(display, field) };

  const [first, second] = splitComposite(display, type, field);
  const parts: [string, string] = [head.normalise(first, field), tail.normalise(second, field)];
  return { value: display, normalised: parts.join('|'), parts };
}

// MISP splits composite values at the first "|"; only the second part of regkey|value may hold more.
function splitComposite(value: string, type: IndicatorType, field: string): [string, string] {
  const bar = value.indexOf('|');
  const first = bar < 0 ? '' : value.slice(0, bar).trim();
  const second = bar < 0 ? '' : value.slice(bar + 1).trim();
  if (first === '' || second === '') {
    throw new Invalid(field, `must be two values joined by "|", such as ${indicatorTypeInfo(type).example}`);
  }
  return [first, second];
}

/**
 * Every key under which an indicator matches others, its main key first: `ip:192.0.2.1` for ip-src and
 * ip-dst alike, `dom:` for domains and hostnames, `sha256:` for sha256 and filename|sha256, and so on.
 * Takes a normalised value; none for types that do not correlate.
 */
export function correlationKeys(type: IndicatorType, normalised: string): string[] {
  if (!indicatorTypeInfo(type).correlates) return [];
  const { parts } = SYNTAX[type];
  const bar = normalised.indexOf('|');
  const values = parts.length === 1 || bar < 0 ? [normalised] : [normalised.slice(0, bar), normalised.slice(bar + 1)];
  const keyed = parts.flatMap((part, i) => {
    const value = values[i];
    return part.keySpace === null || value === undefined ? [] : [{ key: `${part.keySpace}:${value}`, weak: part.weak === true }];
  });
  return [...keyed.filter((k) => !k.weak), ...keyed.filter((k) => k.weak)].map((k) => k.key);
}

/** The main correlation key of a normalised indicator, or null for types that do not correlate. */
export function correlationKey(type: IndicatorType, normalised: string): string | null {
  return correlationKeys(type, normalised)[0] ?? null;
}

function formatBytes(bytes: number): string {
  return bytes >= MIB ? `${bytes / MIB} MiB` : `${bytes / KIB} KiB`;
}
