// Record ids: UUID version 7 (RFC 9562), time-ordered, so bulk inserts append to the end of the
// primary-key B-tree instead of splitting pages all over it, on both engines.
import crypto from 'node:crypto';

let lastMillis = 0;
let sequence = 0;

// Random bytes drawn in blocks: one system call per id would cost more than the rest of an insert.
const POOL_SIZE = 16 * 4096;
let pool = crypto.randomBytes(POOL_SIZE);
let poolOffset = 0;

function randomBlock(): Buffer {
  if (poolOffset + 16 > POOL_SIZE) {
    pool = crypto.randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  const block = Buffer.from(pool.subarray(poolOffset, poolOffset + 16));
  poolOffset += 16;
  return block;
}

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
  const bytes = randomBlock();
  const millis = BigInt(lastMillis);
  for (let i = 0; i < 6; i++) bytes[i] = Number((millis >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
