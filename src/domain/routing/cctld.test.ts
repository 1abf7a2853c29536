import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listCountries } from '../country.ts';
import { countryOfCcTld, countryOfDomain } from './cctld.ts';

test('a domain under a ccTLD belongs to that country, whatever the labels before it', () => {
  assert.equal(countryOfDomain('mail.gov.my'), 'MY');
  assert.equal(countryOfDomain('example.co.uk'), 'GB');
  assert.equal(countryOfDomain('example.gb'), 'GB');
  assert.equal(countryOfDomain('cert.gov.sa'), 'SA');
  assert.equal(countryOfDomain('Example.DE.'), 'DE');
});

test('generic and non-country TLDs have no country', () => {
  for (const domain of ['example.com', 'example.org', 'example.arab', 'nic.ac', 'europa.eu', 'example.su', 'example.yu', 'localhost']) {
    assert.equal(countryOfDomain(domain), undefined, domain);
  }
});

test('every ISO 3166-1 code is its own ccTLD', () => {
  for (const { code } of listCountries()) {
    assert.equal(countryOfCcTld(code.toLowerCase()), code, code);
  }
});

test('internationalised ccTLDs are recognised in their ASCII form', () => {
  assert.equal(countryOfDomain('xn--e1afmkfd.xn--p1ai'), 'RU');
  assert.equal(countryOfCcTld('xn--mgbx4cd0ab'), 'MY');
  assert.equal(countryOfCcTld('xn--mgberp4a5d4ar'), 'SA');
  assert.equal(countryOfCcTld('xn--wgbh1c'), 'EG');
  assert.equal(countryOfCcTld('xn--fiqs8s'), 'CN');
  assert.equal(countryOfCcTld('xn--ngbrx'), undefined, '.arab is a generic TLD');
});
