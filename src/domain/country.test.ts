import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { countryName, isCountryCode, listCountries, normaliseCountry } from './country.ts';
import { assertInvalid } from '../../test/helpers/invalid.ts';

describe('normaliseCountry', () => {
  test('upper-cases and trims an assigned code', () => {
    assert.equal(normaliseCountry('fr'), 'FR');
    assert.equal(normaliseCountry('  gb\n'), 'GB');
    assert.equal(normaliseCountry('Ps'), 'PS');
  });

  test('suggests GB for UK', () => {
    assertInvalid(() => normaliseCountry('uk'), 'country', 'UK is not an ISO 3166-1 alpha-2 code: did you mean GB?');
  });

  test('suggests the alpha-2 code for an alpha-3 code', () => {
    assertInvalid(() => normaliseCountry('FRA'), 'country', 'FRA is not an ISO 3166-1 alpha-2 code: did you mean FR?');
  });

  test('rejects the user-assigned XK', () => {
    assertInvalid(() => normaliseCountry('XK'), 'country', /user-assigned/);
  });

  test('rejects unassigned and exceptionally reserved codes', () => {
    for (const code of ['ZZ', 'EU', 'UN', 'AA']) {
      assertInvalid(() => normaliseCountry(code), 'country', `${code} is not an officially assigned ISO 3166-1 alpha-2 code`);
    }
  });

  test('rejects empty input, numbers and other types, using the given field name', () => {
    assertInvalid(() => normaliseCountry('  '), 'country', 'is required');
    assertInvalid(() => normaliseCountry('250'), 'country', 'must be a two-letter ISO 3166-1 country code');
    assertInvalid(() => normaliseCountry(250, 'members[3].country'), 'members[3].country', /two-letter/);
    assertInvalid(() => normaliseCountry(null), 'country', /two-letter/);
    assertInvalid(() => normaliseCountry('F R'), 'country', /two-letter/);
  });
});

describe('country lookups', () => {
  test('isCountryCode accepts only canonical assigned codes', () => {
    assert.equal(isCountryCode('DE'), true);
    assert.equal(isCountryCode('de'), false);
    assert.equal(isCountryCode('XK'), false);
    assert.equal(isCountryCode('UK'), false);
  });

  test('countryName gives the English name', () => {
    assert.equal(countryName('DE'), 'Germany');
    assert.equal(countryName('GB'), 'United Kingdom');
    assert.equal(countryName('ZZ'), undefined);
    assert.equal(countryName('XK'), undefined);
  });

  test('listCountries is sorted by code, named, and excludes XK', () => {
    const countries = listCountries();
    assert.equal(countries.length, 249);
    assert.deepEqual(countries[0], { code: 'AD', name: 'Andorra' });
    assert.deepEqual(countries.at(-1), { code: 'ZW', name: 'Zimbabwe' });
    const codes = countries.map((country) => country.code);
    assert.deepEqual(codes, [...codes].sort());
    assert.equal(codes.includes('XK'), false);
    assert.ok(countries.every((country) => country.name.length > 0 && country.name !== country.code));
  });
});
