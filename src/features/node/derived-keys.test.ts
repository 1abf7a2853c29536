import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createNodeKeyPair } from './keys.ts';
import { nodeDerivedKey, openSecret, readStoredSecret, sealSecret } from './derived-keys.ts';

const nodeDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sanad-keys-'));
  createNodeKeyPair(dir);
  return dir;
};

test('a sealed secret opens on its node only, and not once altered', () => {
  const here = nodeDir();
  const elsewhere = nodeDir();
  try {
    const sealed = sealSecret(here, 'api-key-of-the-remote ✓');
    assert.ok(!sealed.includes('api-key-of-the-remote'));
    assert.notEqual(sealSecret(here, 'api-key-of-the-remote ✓'), sealed, 'a fresh nonce every time');
    assert.equal(openSecret(here, sealed), 'api-key-of-the-remote ✓');
    assert.throws(() => openSecret(elsewhere, sealed));
    const altered = sealed.slice(0, -2) + (sealed.endsWith('AA') ? 'AB' : 'AA');
    assert.throws(() => openSecret(here, altered));
    assert.throws(() => openSecret(here, 'plain text'), /not sealed/);
    assert.equal(readStoredSecret(here, sealed), 'api-key-of-the-remote ✓');
    assert.equal(readStoredSecret(here, 'written before sealing'), 'written before sealing');
  } finally {
    fs.rmSync(here, { recursive: true, force: true });
    fs.rmSync(elsewhere, { recursive: true, force: true });
  }
});

test('each purpose has its own key', () => {
  const dir = nodeDir();
  try {
    const a = nodeDerivedKey(dir, 'taxii next cursor');
    assert.equal(a.length, 32);
    assert.deepEqual(nodeDerivedKey(dir, 'taxii next cursor'), a);
    assert.notDeepEqual(nodeDerivedKey(dir, 'stored secrets'), a);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
