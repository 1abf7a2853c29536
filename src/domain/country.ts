// ISO 3166-1 alpha-2 country codes: a national CERT is identified by the country it serves.
// The library's index (not its Node entry point) is imported so only the English names are loaded.
import countries from 'i18n-iso-countries/index.js';
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import { Invalid } from './errors.ts';

countries.registerLocale(en);

// The library lists Kosovo's user-assigned XK; only officially assigned codes are accepted.
const USER_ASSIGNED_CODES = new Set(['XK']);

// Reserved codes people type by mistake, with the assigned code they most likely mean.
const LIKELY_MEANT: Readonly<Record<string, string>> = { UK: 'GB' };

const OFFICIAL_CODES: ReadonlySet<string> = new Set(
  Object.keys(countries.getAlpha2Codes()).filter((code) => !USER_ASSIGNED_CODES.has(code)),
);

/** True for an officially assigned alpha-2 code in canonical (upper-case) form. */
export function isCountryCode(code: string): boolean {
  return OFFICIAL_CODES.has(code);
}

/** English short name of a canonical alpha-2 code, or undefined if it is not one. */
export function countryName(code: string): string | undefined {
  return isCountryCode(code) ? countries.getName(code, 'en') : undefined;
}

export function listCountries(): { code: string; name: string }[] {
  return [...OFFICIAL_CODES]
    .sort()
    .map((code) => ({ code, name: countries.getName(code, 'en') ?? code }));
}

export function normaliseCountry(input: unknown, field = 'country'): string {
  if (typeof input !== 'string') throw new Invalid(field, 'must be a two-letter ISO 3166-1 country code');
  const code = input.trim().toUpperCase();
  if (code === '') throw new Invalid(field, 'is required');
  if (isCountryCode(code)) return code;
  // Anything but two or three letters is not worth a hint (nor echoing back).
  if (!/^[A-Z]{2,3}$/.test(code)) throw new Invalid(field, 'must be a two-letter ISO 3166-1 country code');

  const likelyMeant = LIKELY_MEANT[code] ?? countries.alpha3ToAlpha2(code);
  if (likelyMeant !== undefined && isCountryCode(likelyMeant)) {
    throw new Invalid(field, `${code} is not an ISO 3166-1 alpha-2 code: did you mean ${likelyMeant}?`);
  }
  if (USER_ASSIGNED_CODES.has(code)) {
    throw new Invalid(field, `${code} is a user-assigned code, not an officially assigned ISO 3166-1 code`);
  }
  throw new Invalid(field, `${code} is not an officially assigned ISO 3166-1 alpha-2 code`);
}
