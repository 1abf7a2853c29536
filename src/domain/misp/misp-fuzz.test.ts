// The MISP reader meets whatever a file holds: on any JSON it either reads it or refuses it with
// Sanad's Invalid, never with a TypeError or RangeError from deep inside.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Invalid } from '../errors.ts';
import { mispEventsOf, readMispEvent, type MispReadOptions } from './read.ts';

const options: MispReadOptions = {
  defaultTlp: 'AMBER',
  defaultDistribution: 'organisation',
  sharingGroups: [{ id: '0190a1b2-0000-7000-8000-00000000aaaa', name: 'Gulf CERTs' }],
  now: new Date('2024-06-01T00:00:00Z'),
};

function readAll(document: unknown): void {
  for (const found of mispEventsOf(document)) readMispEvent(found.event, found.path, options);
}

function onlyInvalid(document: unknown): void {
  try {
    readAll(document);
  } catch (error) {
    assert.ok(error instanceof Invalid, `threw ${String(error)} for ${JSON.stringify(document)?.slice(0, 500)}`);
  }
}

// Values that look like what MISP writes, so that generated documents get past the first checks.
const scalar = fc.oneof(
  fc.constantFrom('1', '0', '2', '4', '5', 'true', '', ' ', 'tlp:amber', 'tlp:red', 'PAP:WHITE', 'tlp:ex:chr', 'rsit:fraud="phishing"', 'misp-galaxy:x="y"'),
  fc.constantFrom('domain', 'ip-dst', 'url', 'md5', 'filename|md5', 'AS', 'size-in-bytes', 'file', 'domain-ip', 'cookie', 'Gulf CERTs', '__proto__', 'constructor'),
  fc.constantFrom('2024-05-02', '2024-02-30', '2024-05-02T10:00:00.123456+00:00', '1714640000', '99999999999999', '0190a1b2-0000-7000-8000-00000000aaaa'),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const KEYS = [
  'uuid', 'info', 'date', 'timestamp', 'threat_level_id', 'analysis', 'published', 'publish_timestamp', 'distribution', 'sharing_group_id',
  'SharingGroup', 'Orgc', 'Tag', 'Galaxy', 'GalaxyCluster', 'Attribute', 'Object', 'Sighting', 'type', 'category', 'value', 'value1', 'value2',
  'to_ids', 'comment', 'first_seen', 'last_seen', 'deleted', 'object_relation', 'name', 'local', 'date_sighting', 'source', 'Organisation', 'Event', 'response',
];
const { node } = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('list'), tie('record')),
  list: fc.array(tie('node'), { maxLength: 4 }),
  record: fc.dictionary(fc.constantFrom(...KEYS), tie('node'), { maxKeys: 8 }),
}));

// Events that get past the header, so that attributes, objects, tags and sightings are reached.
const attributeLike = fc.dictionary(fc.constantFrom('type', 'value', 'category', 'to_ids', 'first_seen', 'distribution', 'SharingGroup', 'Tag', 'Galaxy', 'Sighting', 'object_relation', 'deleted', 'uuid'), node, { maxKeys: 8 });
const eventLike = fc.record(
  {
    info: fc.constant('Fuzzed event'),
    Tag: fc.array(fc.oneof(fc.record({ name: scalar }), scalar), { maxLength: 3 }),
    Attribute: fc.array(fc.oneof(attributeLike, fc.record({ type: fc.constantFrom('domain', 'AS', 'filename|md5'), value: scalar, Sighting: fc.array(fc.dictionary(fc.constantFrom('type', 'date_sighting', 'source', 'Organisation'), scalar), { maxLength: 2 }) })), { maxLength: 4 }),
    Object: fc.array(fc.record({ name: fc.constantFrom('file', 'url', 'cookie', ''), distribution: scalar, Attribute: fc.array(attributeLike, { maxLength: 3 }) }, { requiredKeys: [] }), { maxLength: 2 }),
    distribution: scalar,
  },
  { requiredKeys: ['info'] },
);

test('arbitrary JSON: read or refused with Invalid, nothing else', () => {
  fc.assert(fc.property(fc.jsonValue(), onlyInvalid), { numRuns: 1500 });
});

test('MISP-shaped documents with arbitrary values: read or refused with Invalid, nothing else', () => {
  fc.assert(fc.property(node, onlyInvalid), { numRuns: 4000 });
  fc.assert(
    fc.property(fc.array(fc.dictionary(fc.constantFrom(...KEYS), node, { maxKeys: 12 }), { maxLength: 3 }), (events) => onlyInvalid({ response: events.map((Event) => ({ Event })) })),
    { numRuns: 2000 },
  );
});

test('events with arbitrary attributes, objects, tags and sightings: read or refused with Invalid, nothing else', () => {
  fc.assert(fc.property(eventLike, onlyInvalid), { numRuns: 4000 });
});
