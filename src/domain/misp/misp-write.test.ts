import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { mispAttribute, mispEventHeader, mispHashLines, mispManifestEntry, toMispEvent, type AttributeForMisp, type EventForMisp } from './write.ts';
import { mispEventsOf, readMispEvent } from './read.ts';

const owner = { id: '0190a1b2-0000-7000-8000-0000000000aa', name: 'CERT-XX' };
const group = { id: '0190a1b2-0000-7000-8000-00000000aaaa', name: 'Gulf CERTs', description: 'GCC teams', members: [owner] };
const event: EventForMisp = {
  id: '0190a1b2-0000-7000-8000-000000000001',
  info: 'Phishing wave',
  date: '2024-05-02',
  threatLevel: 'high',
  analysis: 'complete',
  tlp: 'AMBER',
  pap: 'GREEN',
  distribution: 'sharing_group',
  sharingGroup: group,
  published: true,
  publishedAt: '2024-05-02T08:55:00.000Z',
  timestamp: 1714640000,
  owner,
  tags: ['rsit:fraud="phishing"'],
};
const attribute: AttributeForMisp = {
  uuid: '0190a1b2-0000-7000-8000-000000000002',
  type: 'filename|md5',
  category: 'Payload delivery',
  value: 'Invoice.exe|d41d8cd98f00b204e9800998ecf8427e',
  toIds: true,
  comment: 'first wave',
  firstSeen: '2024-05-01T10:00:00.000Z',
  lastSeen: null,
  tlp: 'RED',
  distribution: 'organisation',
  sharingGroupId: null,
  tags: ['kill-chain:delivery'],
  modified: '2024-05-02T08:53:20.500Z',
  relation: null,
  sightings: [{ id: '0190a1b2-0000-7000-8000-000000000003', kind: 'false-positive', seenAt: '2024-05-02T08:53:21.000Z', source: 'sensor', org: owner }],
};

test('the event header as MISP writes it: numbers as strings, handling as tags, the group by uuid', () => {
  const header = mispEventHeader(event);
  assert.deepEqual(header, {
    uuid: event.id,
    info: 'Phishing wave',
    date: '2024-05-02',
    threat_level_id: '1',
    analysis: '2',
    distribution: '4',
    sharing_group_id: group.id,
    published: true,
    timestamp: '1714640000',
    publish_timestamp: '1714640100',
    Orgc: { uuid: owner.id, name: 'CERT-XX' },
    Org: { uuid: owner.id, name: 'CERT-XX' },
    SharingGroup: { uuid: group.id, name: 'Gulf CERTs', description: 'GCC teams', releasability: '', SharingGroupOrg: [{ extend: false, Organisation: { uuid: owner.id, name: 'CERT-XX' } }] },
    Tag: [
      { name: 'tlp:amber', colour: '#FFC000', exportable: true },
      { name: 'PAP:GREEN', colour: '#00ad1c', exportable: true },
      { name: 'rsit:fraud="phishing"', exportable: true },
    ],
  });
  const community = mispEventHeader({ ...event, distribution: 'community', published: false });
  assert.equal(community.sharing_group_id, '0');
  assert.equal(community.distribution, '1');
  assert.equal(community.publish_timestamp, '0');
  assert.equal('SharingGroup' in community, false);
});

test('an attribute with its own handling, tags and sightings', () => {
  assert.deepEqual(mispAttribute(attribute), {
    uuid: attribute.uuid,
    type: 'filename|md5',
    category: 'Payload delivery',
    value: 'Invoice.exe|d41d8cd98f00b204e9800998ecf8427e',
    to_ids: true,
    comment: 'first wave',
    distribution: '0',
    sharing_group_id: '0',
    timestamp: '1714640000',
    deleted: false,
    disable_correlation: false,
    first_seen: '2024-05-01T10:00:00.000Z',
    Tag: [{ name: 'tlp:red', colour: '#FF2B2B', exportable: true }, { name: 'kill-chain:delivery', exportable: true }],
    Sighting: [{ uuid: '0190a1b2-0000-7000-8000-000000000003', type: '1', date_sighting: '1714640001', source: 'sensor', Organisation: { uuid: owner.id, name: 'CERT-XX' } }],
  });
  assert.equal(mispAttribute({ ...attribute, distribution: null, tlp: null, tags: [], sightings: [] }).distribution, '5');
});

test('what Sanad writes, Sanad reads back the same', () => {
  const written = toMispEvent(event, [attribute], [
    {
      object: { uuid: '0190a1b2-0000-7000-8000-000000000010', name: 'file', metaCategory: 'file', comment: '', modified: '2024-05-02T08:53:20.000Z' },
      attributes: [{ ...attribute, type: 'filename', value: 'invoice.exe', relation: 'filename', tlp: null, distribution: null, tags: [], sightings: [] }],
    },
  ]);
  const [found] = mispEventsOf(JSON.parse(JSON.stringify(written)));
  const read = readMispEvent(found!.event, found!.path, { defaultTlp: 'AMBER', defaultDistribution: 'organisation', sharingGroups: [group], now: new Date('2024-06-01T00:00:00Z') });
  assert.equal(read.uuid, event.id);
  assert.equal(read.timestamp, event.timestamp);
  assert.deepEqual(
    { ...read.header },
    { info: 'Phishing wave', date: '2024-05-02', threatLevel: 'high', analysis: 'complete', tlp: 'AMBER', pap: 'GREEN', distribution: 'sharing_group', sharingGroupId: group.id, tags: ['rsit:fraud="phishing"'], published: true, publishedAt: '2024-05-02T08:55:00.000Z' },
  );
  assert.deepEqual(read.indicators[0]!.fields, {
    type: 'filename|md5',
    value: attribute.value,
    category: 'Payload delivery',
    toIds: true,
    comment: 'first wave',
    firstSeen: '2024-05-01T10:00:00.000Z',
    lastSeen: undefined,
    tlp: 'RED',
    distribution: 'organisation',
    tags: ['kill-chain:delivery'],
  });
  assert.deepEqual(read.indicators[0]!.sightings, [{ kind: 'false-positive', seenAt: '2024-05-02T08:53:21.000Z', source: 'sensor' }]);
  assert.deepEqual(read.objects.map((o) => [o.uuid, o.name, o.attributes.map((a) => [a.relation, a.fields.value])]), [['0190a1b2-0000-7000-8000-000000000010', 'file', [['filename', 'invoice.exe']]]]);
});

test('manifest entries and hashes.csv lines follow the MISP feed format', () => {
  assert.deepEqual(mispManifestEntry(event), {
    Orgc: { uuid: owner.id, name: 'CERT-XX' },
    Tag: [
      { name: 'tlp:amber', colour: '#FFC000', exportable: true },
      { name: 'PAP:GREEN', colour: '#00ad1c', exportable: true },
      { name: 'rsit:fraud="phishing"' },
    ],
    info: 'Phishing wave',
    date: '2024-05-02',
    analysis: 2,
    threat_level_id: 1,
    timestamp: 1714640000,
  });
  const md5 = (text: string) => crypto.createHash('md5').update(text).digest('hex');
  assert.deepEqual(mispHashLines('domain', 'evil.example', 'evil.example', 'E'), [`${md5('evil.example')},E`]);
  // Composite values hash by part; a spelling that differs from the normalised form hashes both ways.
  assert.deepEqual(mispHashLines('filename|md5', 'Invoice.exe|D41D8CD98F00B204E9800998ECF8427E', 'invoice.exe|d41d8cd98f00b204e9800998ecf8427e', 'E'), [
    `${md5('Invoice.exe')},E`,
    `${md5('D41D8CD98F00B204E9800998ECF8427E')},E`,
    `${md5('invoice.exe')},E`,
    `${md5('d41d8cd98f00b204e9800998ecf8427e')},E`,
  ]);
});
