// The regional internet registries' delegated-extended statistics: which registry handed which block of
// addresses or AS numbers to an organisation in which country. That country of registration is where a
// report goes when no member claims the address (incident-handling.md §3.2, step 2).
// Lines look like `apnic|MY|ipv4|203.0.113.0|256|20100101|allocated|A1234`:
// registry|cc|type|start|value|date|status|opaque-id[|extensions].
import ipaddr from 'ipaddr.js';
import { Invalid } from '../errors.ts';
import { ipRange, type IpRange } from '../ip-range.ts';
import { compareText, lastAtOrBefore } from './sorted.ts';

/**
 * One registration, in the shape a database stores: IP bounds as 32-digit hex (ip-range.ts, IPv4 mapped
 * into ::ffff:0:0/96) and AS numbers as 10-digit zero-padded decimal, so that both sort as text.
 */
export interface RirRecord {
  kind: 'ip' | 'asn';
  start: string;
  end: string;
  /** As the registry wrote it: ISO 3166-1 alpha-2, or a regional code such as EU or AP. */
  country: string;
  registry: string;
}

export interface RirRegistration {
  readonly country: string;
  readonly registry: string;
}

const REGISTRIES: ReadonlySet<string> = new Set(['afrinic', 'apnic', 'arin', 'iana', 'lacnic', 'ripencc']);
const REGISTERED: ReadonlySet<string> = new Set(['allocated', 'assigned']);
// Space no organisation holds, hence no country. The NRO's combined file calls IANA's free pool "ianapool".
const UNREGISTERED: ReadonlySet<string> = new Set(['available', 'reserved', 'ianapool']);

// The version line opens each file: 2|apnic|20261122|... (ARIN writes 2.3).
const VERSION = /^\d+(?:\.\d+)*$/;
const WHOLE_NUMBER = /^\d{1,10}$/;
const MAX_ASN = 4_294_967_295;
const ASN_DIGITS = 10;
const HEX_DIGITS = 32;
const LAST_IPV4 = '255.255.255.255';
const LAST_IPV4_VALUE = hexValue(ipRange(LAST_IPV4)!.end);

/** The registration on one line; null for version, summary, comment and blank lines and for unregistered space. */
export function parseRirLine(line: string, lineNumber: number): RirRecord | null {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return null;
  const fields = text.split('|');
  if (VERSION.test(fields[0] ?? '')) return null;
  // apnic|*|ipv4|*|56093|summary
  if (fields[5] === 'summary') return null;

  const field = `line ${lineNumber}`;
  if (fields.length < 7) {
    throw new Invalid(field, `expected registry|cc|type|start|value|date|status, got ${fields.length} fields`);
  }
  const [registry = '', cc = '', type = '', start = '', value = '', , status = ''] = fields;
  if (!REGISTRIES.has(registry)) {
    throw new Invalid(field, `unknown registry "${registry}": expected afrinic, apnic, arin, iana, lacnic or ripencc`);
  }
  if (UNREGISTERED.has(status)) return null;
  if (!REGISTERED.has(status)) {
    throw new Invalid(field, `unknown status "${status}": expected allocated, assigned, available or reserved`);
  }
  if (cc === '') throw new Invalid(field, `an ${status} record needs a country code`);
  if (!/^[A-Za-z]{2}$/.test(cc)) throw new Invalid(field, `country code "${cc}" must be two letters`);
  const country = cc.toUpperCase();

  switch (type) {
    case 'ipv4':
      return { kind: 'ip', ...ipv4Block(start, value, field), country, registry };
    case 'ipv6':
      return { kind: 'ip', ...ipv6Block(start, value, field), country, registry };
    case 'asn':
      return { kind: 'asn', ...asnBlock(start, value, field), country, registry };
    default:
      throw new Invalid(field, `unknown type "${type}": expected ipv4, ipv6 or asn`);
  }
}

// IPv4 blocks are counted in addresses, and the count need not be a power of two (768 is common).
function ipv4Block(start: string, value: string, field: string): IpRange {
  if (!ipaddr.IPv4.isValidFourPartDecimal(start)) throw new Invalid(field, `"${start}" is not an IPv4 address`);
  const count = positiveCount(value, 'address', field);
  const first = hexValue(ipRange(start)!.start);
  const last = first + BigInt(count - 1);
  if (last > LAST_IPV4_VALUE) throw new Invalid(field, `${count} addresses from ${start} run past ${LAST_IPV4}`);
  return { start: hexText(first), end: hexText(last) };
}

// IPv6 blocks are given by prefix length.
function ipv6Block(start: string, value: string, field: string): IpRange {
  if (!ipaddr.IPv6.isValid(start) || start.includes('%')) throw new Invalid(field, `"${start}" is not an IPv6 address`);
  const length = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (!(length <= 128)) throw new Invalid(field, `prefix length must be a whole number from 0 to 128, got "${value}"`);
  const block = ipRange(`${start}/${length}`)!;
  if (block.start !== ipRange(start)!.start) throw new Invalid(field, `${start}/${length} has host bits set`);
  return block;
}

function asnBlock(start: string, value: string, field: string): IpRange {
  const first = WHOLE_NUMBER.test(start) ? Number(start) : NaN;
  if (!(first <= MAX_ASN)) throw new Invalid(field, `"${start}" is not an AS number`);
  const count = positiveCount(value, 'AS number', field);
  const last = first + count - 1;
  if (last > MAX_ASN) throw new Invalid(field, `${count} AS numbers from AS${first} run past AS${MAX_ASN}`);
  return { start: asnText(first), end: asnText(last) };
}

function positiveCount(value: string, unit: string, field: string): number {
  const count = WHOLE_NUMBER.test(value) ? Number(value) : 0;
  if (count < 1) throw new Invalid(field, `${unit} count must be a whole number of at least 1, got "${value}"`);
  return count;
}

function hexValue(hex: string): bigint {
  return BigInt(`0x${hex}`);
}

function hexText(value: bigint): string {
  return value.toString(16).padStart(HEX_DIGITS, '0');
}

function asnText(asn: number): string {
  return String(asn).padStart(ASN_DIGITS, '0');
}

// ------------------------------------------------------------------ the table

/** Sorted, non-overlapping ranges; bounds compare with < whether hex text or numbers. */
interface RangeIndex<Bound extends string | number> {
  starts: Bound[];
  ends: Bound[];
  registrations: RirRegistration[];
}

const HEX_BOUND = /^[0-9a-f]{32}$/;
const ASN_BOUND = /^\d{10}$/;

/**
 * Registrations by address and AS number, for lookups by binary search. Registrations that overlap with a
 * different range or country (an inter-registry transfer seen by both registries, snapshots of different
 * days) are left out of lookups and listed in `conflicts`: guessing would send reports to the wrong country.
 */
export class RirTable {
  private constructor(
    private readonly ip: RangeIndex<string>,
    private readonly asn: RangeIndex<number>,
    readonly conflicts: readonly RirRecord[],
  ) {}

  /** Builds the table from records in any order, such as those `rows()` gave a database. */
  static fromRows(rows: Iterable<RirRecord>): RirTable {
    const ip: RirRecord[] = [];
    const asn: RirRecord[] = [];
    let i = 0;
    for (const row of rows) {
      checkRow(row, `rows[${i++}]`);
      (row.kind === 'ip' ? ip : asn).push(row);
    }
    const registrations = new Map<string, RirRegistration>();
    const conflicts: RirRecord[] = [];
    const ipIndex = buildIndex(ip, (bound) => bound, registrations, conflicts);
    const asnIndex = buildIndex(asn, Number, registrations, conflicts);
    return new RirTable(ipIndex, asnIndex, conflicts);
  }

  /** Country of registration of an address or prefix (the whole prefix must lie in one registration). */
  countryOfIp(address: string): RirRegistration | undefined {
    const range = ipRange(address);
    return range === undefined ? undefined : this.countryOfIpRange(range);
  }

  countryOfIpRange(range: IpRange): RirRegistration | undefined {
    return lookup(this.ip, range.start, range.end);
  }

  countryOfAsn(asn: number): RirRegistration | undefined {
    return lookup(this.asn, asn, asn);
  }

  /** Every registration, conflicting ones included, sorted by kind and start. */
  rows(): RirRecord[] {
    const rows: RirRecord[] = [];
    this.ip.starts.forEach((start, i) => {
      rows.push({ kind: 'ip', start, end: this.ip.ends[i]!, ...this.ip.registrations[i]! });
    });
    this.asn.starts.forEach((start, i) => {
      rows.push({ kind: 'asn', start: asnText(start), end: asnText(this.asn.ends[i]!), ...this.asn.registrations[i]! });
    });
    return [...rows, ...this.conflicts].sort(compareRecords);
  }
}

function checkRow(row: RirRecord, field: string): void {
  const bound = row.kind === 'ip' ? HEX_BOUND : row.kind === 'asn' ? ASN_BOUND : undefined;
  if (bound === undefined) throw new Invalid(field, 'kind must be ip or asn');
  if (!bound.test(row.start) || !bound.test(row.end) || row.start > row.end) {
    throw new Invalid(field, `start and end must be ${row.kind === 'ip' ? '32 hex digits' : '10 decimal digits'}, start first`);
  }
}

const KIND_ORDER = { ip: 0, asn: 1 } as const;

function compareRecords(a: RirRecord, b: RirRecord): number {
  return KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || compareText(a.start, b.start) || compareText(b.end, a.end);
}

// Sweeps the sorted records in clusters of mutual overlap: a lone record is kept, copies of one record
// (the same file read twice) are kept once, anything else goes to the conflicts.
function buildIndex<Bound extends string | number>(
  records: RirRecord[],
  toBound: (text: string) => Bound,
  registrations: Map<string, RirRegistration>,
  conflicts: RirRecord[],
): RangeIndex<Bound> {
  const index: RangeIndex<Bound> = { starts: [], ends: [], registrations: [] };
  records.sort(compareRecords);
  let cluster: RirRecord[] = [];
  let clusterEnd = '';
  const flush = () => {
    const [first] = cluster;
    if (first === undefined) return;
    if (cluster.every((r) => r.start === first.start && r.end === first.end && r.country === first.country)) {
      index.starts.push(toBound(first.start));
      index.ends.push(toBound(first.end));
      index.registrations.push(registration(first, registrations));
    } else {
      conflicts.push(...cluster);
    }
  };
  for (const record of records) {
    if (cluster.length > 0 && record.start <= clusterEnd) {
      cluster.push(record);
      if (record.end > clusterEnd) clusterEnd = record.end;
      continue;
    }
    flush();
    cluster = [record];
    clusterEnd = record.end;
  }
  flush();
  return index;
}

// Shared objects: a lookup hands one out without allocating.
function registration({ country, registry }: RirRecord, registrations: Map<string, RirRegistration>): RirRegistration {
  const key = `${registry}|${country}`;
  let shared = registrations.get(key);
  if (shared === undefined) {
    shared = Object.freeze({ country, registry });
    registrations.set(key, shared);
  }
  return shared;
}

function lookup<Bound extends string | number>(index: RangeIndex<Bound>, first: Bound, last: Bound): RirRegistration | undefined {
  // Ranges do not overlap, so only the last one starting at or before `first` can hold [first, last].
  const found = lastAtOrBefore(index.starts, first);
  return found >= 0 && index.ends[found]! >= last ? index.registrations[found] : undefined;
}

// ------------------------------------------------------------ streaming input

/**
 * Builds a table from a statistics file fed line by line, so that a 50 MB file never sits in memory whole.
 * Lines of several files (one per registry) may follow one another; errors name lines counted from the first.
 */
export class RirStatsAccumulator {
  private lineNumber = 0;
  private readonly records: RirRecord[] = [];

  add(line: string): void {
    this.lineNumber += 1;
    const record = parseRirLine(line, this.lineNumber);
    if (record !== null) this.records.push(record);
  }

  finish(): RirTable {
    return RirTable.fromRows(this.records);
  }
}
