import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Invalid } from '../errors.ts';
import { OBJECT_TEMPLATES, objectTemplate, validateObject } from './objects.ts';
import { isIndicatorType } from './types.ts';

function assertInvalid(action: () => unknown, field: string, reason: string): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof Invalid, `expected Invalid, got ${String(error)}`);
    assert.equal(error.field, field);
    assert.ok(error.reason.includes(reason), `reason "${error.reason}" lacks "${reason}"`);
    return true;
  });
}

describe('object templates', () => {
  test('include file, domain-ip, url, email and network-connection', () => {
    assert.deepEqual(
      OBJECT_TEMPLATES.map((template) => template.name),
      ['file', 'domain-ip', 'url', 'email', 'network-connection'],
    );
    assert.equal(objectTemplate('file')?.metaCategory, 'file');
    assert.equal(objectTemplate('url')?.metaCategory, 'network');
    assert.equal(objectTemplate('pe'), undefined);
    assert.equal(objectTemplate('constructor'), undefined);
  });

  for (const template of OBJECT_TEMPLATES) {
    test(`${template.name}: relations take known types and requirements name relations`, () => {
      for (const [relation, types] of Object.entries(template.relations)) {
        assert.ok(types.length > 0, relation);
        for (const type of types) assert.ok(isIndicatorType(type), `${relation}: ${type}`);
      }
      for (const relation of [...template.required, ...template.requiredOneOf]) {
        assert.ok(Object.hasOwn(template.relations, relation), relation);
      }
      assert.ok(template.required.length + template.requiredOneOf.length > 0);
    });
  }

  test('the relations of the brief map to their MISP types', () => {
    const relation = (name: string, rel: string) => objectTemplate(name)?.relations[rel];
    assert.deepEqual(relation('file', 'sha256'), ['sha256']);
    assert.deepEqual(relation('domain-ip', 'ip'), ['ip-dst']);
    assert.deepEqual(relation('url', 'host'), ['hostname']);
    assert.deepEqual(relation('email', 'from'), ['email-src']);
    assert.deepEqual(relation('email', 'to'), ['email-dst']);
    assert.deepEqual(relation('network-connection', 'dst-port'), ['port']);
    assert.deepEqual(relation('network-connection', 'hostname-dst'), ['hostname']);
  });
});

describe('validateObject', () => {
  const valid: readonly [string, { relation: string; type: string }[]][] = [
    ['file', [{ relation: 'filename', type: 'filename' }, { relation: 'sha256', type: 'sha256' }, { relation: 'size-in-bytes', type: 'other' }]],
    ['file', [{ relation: 'md5', type: 'md5' }]],
    ['domain-ip', [{ relation: 'domain', type: 'domain' }, { relation: 'ip', type: 'ip-dst' }, { relation: 'ip', type: 'ip-dst' }]],
    ['domain-ip', [{ relation: 'hostname', type: 'hostname' }, { relation: 'port', type: 'port' }]],
    ['url', [{ relation: 'url', type: 'url' }, { relation: 'host', type: 'hostname' }, { relation: 'scheme', type: 'text' }]],
    ['email', [{ relation: 'subject', type: 'email-subject' }]],
    ['email', [{ relation: 'from', type: 'email-src' }, { relation: 'to', type: 'email-dst' }, { relation: 'to', type: 'email-dst' }, { relation: 'x-mailer', type: 'other' }]],
    ['network-connection', [{ relation: 'ip-src', type: 'ip-src' }, { relation: 'dst-port', type: 'port' }, { relation: 'layer4-protocol', type: 'text' }]],
  ];
  for (const [name, attributes] of valid) {
    test(`accepts a ${name} object with ${attributes.map((a) => a.relation).join(', ')}`, () => {
      assert.doesNotThrow(() => validateObject(name, attributes));
    });
  }

  // [name, attributes, field, reason]
  const invalid: readonly [string, { relation: string; type: string }[], string, string][] = [
    ['pe', [{ relation: 'md5', type: 'md5' }], 'objects[0].name', 'unknown object template "pe"'],
    ['file', [{ relation: 'md5', type: 'md5' }, { relation: 'colour', type: 'text' }], 'objects[0].attributes[1].relation', '"colour" is not a relation of a file object'],
    ['file', [{ relation: 'toString', type: 'text' }], 'objects[0].attributes[0].relation', '"toString" is not a relation'],
    ['file', [{ relation: 'sha256', type: 'sha1' }], 'objects[0].attributes[0].type', 'relation "sha256" takes type sha256, not sha1'],
    ['file', [{ relation: 'size-in-bytes', type: 'port' }], 'objects[0].attributes[0].type', 'takes type other or text, not port'],
    ['file', [{ relation: 'text', type: 'text' }], 'objects[0]', 'a file object needs at least one of: filename, size-in-bytes'],
    ['file', [], 'objects[0]', 'a file object needs at least one of'],
    ['domain-ip', [{ relation: 'ip', type: 'ip-src' }], 'objects[0].attributes[0].type', 'relation "ip" takes type ip-dst, not ip-src'],
    ['domain-ip', [{ relation: 'port', type: 'port' }], 'objects[0]', 'a domain-ip object needs at least one of: ip, domain, hostname'],
    ['url', [{ relation: 'domain', type: 'domain' }], 'objects[0]', 'a url object needs a "url" attribute'],
    ['url', [{ relation: 'url', type: 'link' }], 'objects[0].attributes[0].type', 'relation "url" takes type url, not link'],
    ['email', [{ relation: 'from', type: 'email-dst' }], 'objects[0].attributes[0].type', 'relation "from" takes type email-src, not email-dst'],
    ['email', [{ relation: 'header', type: 'text' }, { relation: 'body', type: 'text' }], 'objects[0].attributes[1].relation', '"body" is not a relation of an email object'],
    ['network-connection', [{ relation: 'src-port', type: 'port' }, { relation: 'dst-port', type: 'port' }], 'objects[0]', 'needs at least one of: ip-src, ip-dst, hostname-src, hostname-dst'],
    ['network-connection', [{ relation: 'ip-dst', type: 'ip-dst|port' }], 'objects[0].attributes[0].type', 'relation "ip-dst" takes type ip-dst, not ip-dst|port'],
  ];
  for (const [name, attributes, field, reason] of invalid) {
    test(`rejects ${name}: ${reason}`, () => {
      assertInvalid(() => validateObject(name, attributes, 'objects[0]'), field, reason);
    });
  }

  test("uses 'object' as the field by default", () => {
    assertInvalid(() => validateObject('url', []), 'object', 'a url object needs a "url" attribute');
    assertInvalid(() => validateObject('url', [{ relation: 'x', type: 'text' }]), 'object.attributes[0].relation', '"x" is not a relation');
  });
});
