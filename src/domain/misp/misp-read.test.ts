import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertInvalid } from '../../../test/helpers/invalid.ts';
import { mispEventsOf, readMispEvent, type MispReadOptions } from './read.ts';

type Json = Record<string, any>;

const GROUP = { id: '0190a1b2-0000-7000-8000-00000000aaaa', name: 'Gulf CERTs' };
const OTHER_GROUP = { id: '0190a1b2-0000-7000-8000-00000000bbbb', name: 'Maghreb CERTs' };
const options: MispReadOptions = { defaultTlp: 'AMBER', defaultDistribution: 'organisation', sharingGroups: [GROUP, OTHER_GROUP], now: new Date('2024-06-01T00:00:00Z') };
const read = (event: Json, overrides: Partial<MispReadOptions> = {}) => readMispEvent(event, 'Event', { ...options, ...overrides });

const base = (extra: Json = {}): Json => ({
  uuid: '5F1C2A3B-0000-4000-8000-000000000001',
  info: 'Phishing wave against ministries',
  date: '2024-05-02',
  threat_level_id: '2',
  analysis: '1',
  published: true,
  timestamp: '1714640000',
  publish_timestamp: '1714640100',
  distribution: '1',
  Orgc: { name: 'CERT-XX', uuid: '5f1c2a3b-0000-4000-8000-0000000000aa' },
  Tag: [{ name: 'tlp:green' }],
  Attribute: [],
  Object: [],
  ...extra,
});

describe('MISP envelopes', () => {
  const event = { info: 'x' };
  test('a single event, a bare event, a list of either and the REST wrapper', () => {
    assert.deepEqual(mispEventsOf({ Event: event }), [{ event, path: 'Event' }]);
    assert.deepEqual(mispEventsOf(event), [{ event, path: '' }]);
    assert.deepEqual(mispEventsOf([{ Event: event }, event]), [
      { event, path: '[0].Event' },
      { event, path: '[1]' },
    ]);
    assert.deepEqual(mispEventsOf({ response: [{ Event: event }] }), [{ event, path: 'response[0].Event' }]);
  });
  test('refuses what is not an event', () => {
    assertInvalid(() => mispEventsOf({ response: { Attribute: [] } }), 'response', 'must be a list of events');
    assertInvalid(() => mispEventsOf([1]), '[0]', 'a MISP event is a JSON object');
    assertInvalid(() => mispEventsOf({ Event: 'x' }), 'Event', 'must be a JSON object');
    assertInvalid(() => mispEventsOf('x'), 'body', 'a MISP event is a JSON object');
  });
});

describe('reading a MISP event', () => {
  test('the header, with numbers and booleans as strings, as MISP writes them', () => {
    const event = read(base());
    assert.equal(event.uuid, '5f1c2a3b-0000-4000-8000-000000000001');
    assert.equal(event.timestamp, 1714640000);
    assert.equal(event.creator, 'CERT-XX');
    assert.deepEqual(event.header, {
      info: 'Phishing wave against ministries',
      date: '2024-05-02',
      threatLevel: 'medium',
      analysis: 'ongoing',
      tlp: 'GREEN',
      pap: undefined,
      distribution: 'community',
      sharingGroupId: null,
      tags: [],
      published: true,
      publishedAt: '2024-05-02T08:55:00.000Z',
    });
  });

  test('and as PyMISP writes them: numbers and true/false', () => {
    const event = read(base({ threat_level_id: 1, analysis: 2, published: 0, distribution: 3, timestamp: 1714640000 }));
    assert.equal(event.header.threatLevel, 'high');
    assert.equal(event.header.analysis, 'complete');
    assert.equal(event.header.published, false);
    assert.equal(event.header.distribution, 'federation');
  });

  test('distribution levels map to Sanad scopes; absent is the caller default', () => {
    const scope = (distribution: unknown) => read(base({ distribution })).header.distribution;
    assert.equal(scope('0'), 'organisation');
    assert.equal(scope('1'), 'community');
    assert.equal(scope('2'), 'federation');
    assert.equal(scope('3'), 'federation');
    const absent = read(base({ distribution: undefined }), { defaultDistribution: 'community' });
    assert.equal(absent.header.distribution, 'community');
    assert.ok(absent.notes.includes('no distribution: community assumed'));
    assertInvalid(() => read(base({ distribution: '5' })), 'Event.distribution', '5 (inherit) applies to attributes and objects, not to events');
    assertInvalid(() => read(base({ distribution: '9' })), 'Event.distribution', 'must be a MISP distribution level from 0 to 5');
  });

  test('a sharing group is found by uuid or name among the team’s groups, else refused', () => {
    const byUuid = read(base({ distribution: '4', sharing_group_id: '7', SharingGroup: { uuid: GROUP.id.toUpperCase(), name: 'renamed elsewhere' } }));
    assert.deepEqual([byUuid.header.distribution, byUuid.header.sharingGroupId], ['sharing_group', GROUP.id]);
    const byName = read(base({ distribution: '4', sharing_group_id: '7', SharingGroup: { name: 'Maghreb CERTs' } }));
    assert.equal(byName.header.sharingGroupId, OTHER_GROUP.id);
    assertInvalid(
      () => read(base({ distribution: '4', SharingGroup: { uuid: '5f1c2a3b-0000-4000-8000-0000000000ff', name: 'Elsewhere' } })),
      'Event.SharingGroup',
      'sharing group "Elsewhere" (5f1c2a3b-0000-4000-8000-0000000000ff) is not one your team belongs to on this node',
    );
    assertInvalid(() => read(base({ distribution: '4', sharing_group_id: '7' })), 'Event.SharingGroup', /needs the group named/);
  });

  test('TLP from tlp: tags (white is CLEAR, the strictest wins); without one, the default, never CLEAR', () => {
    assert.equal(read(base({ Tag: [{ name: 'tlp:white' }] })).header.tlp, 'CLEAR');
    assert.equal(read(base({ Tag: [{ name: 'tlp:green' }, { name: 'TLP:AMBER+STRICT' }] })).header.tlp, 'AMBER+STRICT');
    const untagged = read(base({ Tag: [] }));
    assert.equal(untagged.header.tlp, 'AMBER');
    assert.ok(untagged.notes.includes('no tlp: tag: TLP:AMBER assumed'));
    assert.equal(read(base({ Tag: [] }), { defaultTlp: 'RED' }).header.tlp, 'RED');
    assertInvalid(() => read(base({ Tag: [{ name: 'tlp:blue' }] })), 'Event.Tag[0].name', /must be one of/);
  });

  test('TLP:RED with an open distribution narrows to the organisation', () => {
    const event = read(base({ Tag: [{ name: 'tlp:red' }], distribution: '3' }));
    assert.equal(event.header.distribution, 'organisation');
    assert.match(event.notes.join('\n'), /narrowed to organisation/);
  });

  test('PAP tags (WHITE is CLEAR), other tags and galaxy clusters as machine tags; local tags stay behind', () => {
    const event = read(
      base({
        Tag: [{ name: 'tlp:amber' }, { name: 'PAP:WHITE' }, { name: 'rsit:fraud="phishing"' }, { name: 'OSINT' }, { name: 'internal-triage', local: '1' }],
        Galaxy: [{ type: 'threat-actor', GalaxyCluster: [{ value: 'APT 28' }, { type: 'mitre-attack-pattern', value: 'Phishing - T1566' }] }],
        Attribute: [{ type: 'domain', value: 'evil.example', Tag: [{ name: 'PAP:AMBER' }] }],
      }),
    );
    assert.equal(event.header.pap, 'AMBER');
    assert.deepEqual(event.header.tags, ['OSINT', 'misp-galaxy:mitre-attack-pattern="Phishing - T1566"', 'misp-galaxy:threat-actor="APT 28"', 'rsit:fraud="phishing"']);
    assert.equal(event.indicators[0]!.fields.tags, undefined);
  });

  test('attributes: fields, own handling only when stricter, composite halves, deleted ones left out', () => {
    const event = read(
      base({
        Attribute: [
          {
            uuid: '5f1c2a3b-0000-4000-8000-000000000002',
            type: 'url',
            category: 'Network activity',
            value: 'https://login.example.net/',
            to_ids: '1',
            comment: ' seen in the second wave ',
            first_seen: '2024-05-01T10:00:00.123456+00:00',
            last_seen: '2024-05-02T10:00:00',
            distribution: '0',
            Tag: [{ name: 'tlp:red' }, { name: 'kill-chain:delivery' }],
          },
          { type: 'ip-dst', value: '198.51.100.7', distribution: '3', Tag: [{ name: 'tlp:clear' }] },
          { type: 'ip-dst|port', value1: '198.51.100.7', value2: '443', distribution: '5' },
          { type: 'domain', value: 'gone.example', deleted: true },
          { type: 'AS', value: 174, distribution: '4', SharingGroup: { name: 'Gulf CERTs' } },
        ],
      }),
    );
    assert.equal(event.deletedAttributes, 1);
    assert.deepEqual(
      event.indicators.map((i) => [i.path, i.uuid, i.fields]),
      [
        [
          'Event.Attribute[0]',
          '5f1c2a3b-0000-4000-8000-000000000002',
          {
            type: 'url',
            value: 'https://login.example.net/',
            category: 'Network activity',
            toIds: true,
            comment: 'seen in the second wave',
            firstSeen: '2024-05-01T10:00:00.123Z',
            lastSeen: '2024-05-02T10:00:00.000Z',
            tlp: 'RED',
            distribution: 'organisation',
            tags: ['kill-chain:delivery'],
          },
        ],
        // Looser than the event's TLP:GREEN and community reach: the event's apply.
        ['Event.Attribute[1]', undefined, { type: 'ip-dst', value: '198.51.100.7', category: undefined, toIds: undefined, comment: undefined, firstSeen: undefined, lastSeen: undefined, tlp: undefined, tags: undefined }],
        ['Event.Attribute[2]', undefined, { type: 'ip-dst|port', value: '198.51.100.7|443', category: undefined, toIds: undefined, comment: undefined, firstSeen: undefined, lastSeen: undefined, tlp: undefined, tags: undefined }],
        [
          'Event.Attribute[4]',
          undefined,
          { type: 'AS', value: '174', category: undefined, toIds: undefined, comment: undefined, firstSeen: undefined, lastSeen: undefined, tlp: undefined, distribution: 'sharing_group', sharingGroupId: GROUP.id, tags: undefined },
        ],
      ],
    );
  });

  test('sightings: 0 sighting, 1 false positive, 2 expiration; never in the future', () => {
    const event = read(
      base({
        Attribute: [
          {
            type: 'domain',
            value: 'evil.example',
            Sighting: [
              { type: '0', date_sighting: '1714640000', source: 'sensor-3' },
              { type: 1, date_sighting: 1714640001, Organisation: { name: 'CERT-YY' } },
              { type: '2', date_sighting: '1714640002' },
            ],
          },
        ],
      }),
    );
    assert.deepEqual(event.indicators[0]!.sightings, [
      { kind: 'sighting', seenAt: '2024-05-02T08:53:20.000Z', source: 'sensor-3' },
      { kind: 'false-positive', seenAt: '2024-05-02T08:53:21.000Z', source: 'MISP: CERT-YY' },
      { kind: 'expiration', seenAt: '2024-05-02T08:53:22.000Z', source: 'MISP' },
    ]);
    assertInvalid(
      () => read(base({ Attribute: [{ type: 'domain', value: 'a.example', Sighting: [{ date_sighting: '1900000000' }] }] })),
      'Event.Attribute[0].Sighting[0].date_sighting',
      'is in the future',
    );
  });

  test('objects of a known template stay objects; a type Sanad lacks is held as the relation’s free-text type', () => {
    const event = read(
      base({
        Object: [
          {
            name: 'file',
            uuid: '5f1c2a3b-0000-4000-8000-000000000010',
            distribution: '0',
            Attribute: [
              { object_relation: 'filename', type: 'filename', value: 'invoice.pdf.exe', category: 'Payload delivery' },
              { object_relation: 'size-in-bytes', type: 'size-in-bytes', value: '73802', category: 'Other' },
              { object_relation: 'md5', type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e', deleted: '1' },
            ],
          },
        ],
      }),
    );
    assert.equal(event.deletedAttributes, 1);
    assert.equal(event.objects.length, 1);
    const [file] = event.objects;
    assert.equal(file!.uuid, '5f1c2a3b-0000-4000-8000-000000000010');
    assert.deepEqual(
      file!.attributes.map((a) => [a.path, a.relation, a.fields.type, a.fields.category, a.fields.distribution]),
      [
        ['Event.Object[0].Attribute[0]', 'filename', 'filename', 'Payload delivery', 'organisation'],
        ['Event.Object[0].Attribute[1]', 'size-in-bytes', 'other', undefined, 'organisation'],
      ],
    );
  });

  test('attributes of an object Sanad has no template for are kept as plain indicators naming the object', () => {
    const event = read(base({ Object: [{ name: 'cookie', Attribute: [{ object_relation: 'cookie-name', type: 'text', value: 'session', comment: 'tracking' }] }] }));
    assert.equal(event.objects.length, 0);
    assert.equal(event.indicators[0]!.path, 'Event.Object[0].Attribute[0]');
    assert.equal(event.indicators[0]!.fields.comment, 'MISP object cookie (cookie-name): tracking');
    assert.match(event.notes.join('\n'), /Event.Object\[0\] has no Sanad template/);
  });

  test('refusals name the place in the document', () => {
    const cases: [Json, string, RegExp][] = [
      [{ info: '' }, 'Event.info', /must not be empty/],
      [{ info: 'x'.repeat(4001) }, 'Event.info', /at most 4000/],
      [{ uuid: 'not-a-uuid' }, 'Event.uuid', /must be a UUID/],
      [{ threat_level_id: '7' }, 'Event.threat_level_id', /from 1 to 4/],
      [{ analysis: 'x' }, 'Event.analysis', /from 0 to 2/],
      [{ published: 'maybe' }, 'Event.published', /true or false/],
      [{ date: '2024-02-30' }, 'Event.date', /must be a date/],
      [{ Attribute: {} }, 'Event.Attribute', /must be a list/],
      [{ Attribute: [{ value: 'x' }] }, 'Event.Attribute[0].type', /is required/],
      [{ Attribute: [{ type: 'domain' }] }, 'Event.Attribute[0].value', /is required/],
      [{ Attribute: [{ type: 'domain', value: 'a.example', first_seen: 'yesterday' }] }, 'Event.Attribute[0].first_seen', /date and time/],
      [{ Attribute: [{ type: 'domain', value: 'a.example', to_ids: 'yes' }] }, 'Event.Attribute[0].to_ids', /true or false/],
      [{ Object: [{ name: 'file', Attribute: [{ type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e' }] }] }, 'Event.Object[0].Attribute[0].object_relation', /is required/],
      [{ Tag: [{ name: 'rsit:no-such-class' }] }, 'Event.Tag[0].name', /unknown rsit tag/],
      [{ Tag: [{ colour: '#fff' }] }, 'Event.Tag[0].name', /tag name/],
    ];
    for (const [extra, field, reason] of cases) assertInvalid(() => read(base(extra)), field, reason);
  });
});
