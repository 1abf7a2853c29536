import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ipRange } from './ip-range.ts';

test('an IPv4 address is a one-address range in the mapped space', () => {
  assert.deepEqual(ipRange('192.0.2.1'), { start: '00000000000000000000ffffc0000201', end: '00000000000000000000ffffc0000201' });
});

test('a CIDR block spans its network', () => {
  assert.deepEqual(ipRange('192.0.2.0/24'), { start: '00000000000000000000ffffc0000200', end: '00000000000000000000ffffc00002ff' });
  assert.deepEqual(ipRange('2001:db8::/32'), { start: '20010db8000000000000000000000000', end: '20010db8ffffffffffffffffffffffff' });
});

test('not an address: undefined', () => {
  assert.equal(ipRange('example.com'), undefined);
  assert.equal(ipRange('10.0.0.0/33'), undefined);
});

test('every address inside a block compares within its range as text', () => {
  fc.assert(
    fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), fc.ipV4(), (network, length, candidate) => {
      const block = ipRange(`${network}/${length}`)!;
      const point = ipRange(candidate)!;
      const inside = point.start >= block.start && point.end <= block.end;
      const mask = length === 0 ? 0 : (~0 << (32 - length)) >>> 0;
      const toInt = (ip: string) => ip.split('.').reduce((acc, octet) => ((acc << 8) | Number(octet)) >>> 0, 0);
      assert.equal(inside, ((toInt(network) & mask) >>> 0) === ((toInt(candidate) & mask) >>> 0));
    }),
  );
});
