// Realistic synthetic intelligence for benchmarks: a mix of indicator types in proportions seen in
// MISP feeds (network locators and file hashes first), deterministic from a seed.
import crypto from 'node:crypto';

export type Mix = 'mixed' | 'url';

function rng(seed: number) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
}

const TLDS = ['com', 'net', 'org', 'info', 'ru', 'cn', 'my', 'id', 'sa', 'xyz', 'top', 'io'];
const WORDS = ['login', 'secure', 'update', 'account', 'verify', 'portal', 'mail', 'cdn', 'files', 'docs', 'pay', 'gov', 'bank', 'cloud', 'office'];

/** The i-th indicator of a generator: the same i always gives the same value, so overlaps between teams are exact. */
export function indicatorAt(i: number, mix: Mix): { type: string; value: string } {
  const random = rng(i * 2654435761);
  const word = () => WORDS[Math.floor(random() * WORDS.length)]!;
  const domain = `${word()}-${i.toString(36)}.${TLDS[i % TLDS.length]}`;
  if (mix === 'url') return { type: 'url', value: `https://${domain}/${word()}/${i.toString(16)}.php?id=${i % 997}` };
  const hash = (bytes: number) => crypto.createHash('sha512').update(String(i)).digest('hex').slice(0, bytes * 2);
  const slot = i % 20;
  if (slot < 5) return { type: 'ip-dst', value: `${11 + (i % 200)}.${(i >> 8) & 255}.${(i >> 16) & 255}.${i & 255}` };
  if (slot < 9) return { type: 'domain', value: domain };
  if (slot < 12) return { type: 'url', value: `http://${domain}/${word()}.html` };
  if (slot < 15) return { type: 'sha256', value: hash(32) };
  if (slot < 17) return { type: 'md5', value: hash(16) };
  if (slot < 18) return { type: 'hostname', value: `${word()}.${domain}` };
  if (slot < 19) return { type: 'filename|sha256', value: `${word()}_${i}.exe|${hash(32)}` };
  return { type: 'email-src', value: `${word()}.${i}@${domain}` };
}

/** A native JSON event document, produced in chunks so that even huge events never sit in memory whole. */
export async function* eventDocument(options: { info: string; count: number; offset?: number; mix?: Mix; published?: boolean }): AsyncGenerator<string> {
  const offset = options.offset ?? 0;
  yield JSON.stringify({ info: options.info, tlp: 'GREEN', distribution: 'community', published: options.published ?? true }).slice(0, -1);
  yield ',"indicators":[';
  const chunk: string[] = [];
  for (let i = 0; i < options.count; i++) {
    chunk.push(JSON.stringify(indicatorAt(offset + i, options.mix ?? 'mixed')));
    if (chunk.length === 2000) {
      yield (i >= 2000 ? ',' : '') + chunk.join(',');
      chunk.length = 0;
    }
  }
  if (chunk.length) yield (options.count > chunk.length ? ',' : '') + chunk.join(',');
  yield ']}';
}
