// Record ids: UUID version 7 (RFC 9562), time-ordered, so bulk inserts append to the end of the
// primary-key B-tree instead of splitting pages all over it, on both engines.
import crypto from 'node:crypto';

let lastMillis = 0;
let sequence = 0;

export function newId(now = Date.now()): string {
  // Within one millisecond a 12-bit counter keeps ids increasing (rand_a used as a sequence, RFC 9562 §6.2).
  if (now <= lastMillis) {
    sequence += 1;
    if (sequence > 0xfff) {
      lastMillis += 1;
      sequence = 0;
    }
  } else {
    lastMillis = now;
    sequence = 0;
  }
  const bytes = crypto.randomBytes(16);
  const millis = BigInt(lastMillis);
  for (let i = 0; i < 6; i++) bytes[i] = Number((millis >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
