// IP addresses and CIDR blocks as 128-bit ranges written in fixed-width hex (IPv4 mapped into
// ::ffff:0:0/96), so that containment is a text comparison that means the same on every engine.
import ipaddr from 'ipaddr.js';

export interface IpRange {
  start: string;
  end: string;
}

function toBigInt(bytes: number[]): bigint {
  return bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

const HEX_WIDTH = 32;
const hex = (n: bigint) => n.toString(16).padStart(HEX_WIDTH, '0');

/** The range of an address (`192.0.2.1`) or a CIDR block (`192.0.2.0/24`); undefined when neither. */
export function ipRange(text: string): IpRange | undefined {
  const [address, lengthText] = text.split('/');
  if (!address || !ipaddr.isValid(address)) return undefined;
  let parsed = ipaddr.parse(address);
  let length = lengthText === undefined ? undefined : Number(lengthText);
  if (parsed.kind() === 'ipv4') {
    parsed = (parsed as ipaddr.IPv4).toIPv4MappedAddress();
    if (length !== undefined) length += 96;
  }
  const bits = 128;
  const prefix = length ?? bits;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) return undefined;
  const value = toBigInt(parsed.toByteArray());
  const hostBits = BigInt(bits - prefix);
  const mask = (1n << hostBits) - 1n;
  return { start: hex(value & ~mask), end: hex(value | mask) };
}
