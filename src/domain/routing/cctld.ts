// Country-code top-level domains and the country each belongs to: a domain under a ccTLD points to that
// country's national team (incident-handling.md §3.2, step 3), as Trusted Introducer's lookup does.
// Every ISO 3166-1 alpha-2 code is its own ccTLD in lower case. ccTLDs that are not officially assigned
// codes name no country: .ac (Ascension Island, sold worldwide), .eu (the European Union), .su (the
// Soviet Union) and retired ones such as .yu; they are simply absent.
import { domainToASCII } from 'node:url';
import { listCountries } from '../country.ts';

// ccTLDs that differ from the country's code (.gb exists too, under the rule).
const OTHER_SPELLINGS: Readonly<Record<string, string>> = { uk: 'GB' };

// Internationalised ccTLDs, written as people read them; domains arrive in their ASCII (xn--) form.
const INTERNATIONALISED: readonly (readonly [label: string, country: string])[] = [
  ['امارات', 'AE'],
  ['հայ', 'AM'],
  ['বাংলা', 'BD'],
  ['البحرين', 'BH'],
  ['бел', 'BY'],
  ['中国', 'CN'],
  ['中國', 'CN'],
  ['الجزائر', 'DZ'],
  ['مصر', 'EG'],
  ['გე', 'GE'],
  ['ελ', 'GR'],
  ['香港', 'HK'],
  ['भारत', 'IN'],
  ['بھارت', 'IN'],
  ['عراق', 'IQ'],
  ['ایران', 'IR'],
  ['الاردن', 'JO'],
  ['한국', 'KR'],
  ['қаз', 'KZ'],
  ['ලංකා', 'LK'],
  ['இலங்கை', 'LK'],
  ['المغرب', 'MA'],
  ['мкд', 'MK'],
  ['мон', 'MN'],
  ['澳門', 'MO'],
  ['موريتانيا', 'MR'],
  ['مليسيا', 'MY'],
  ['عمان', 'OM'],
  ['پاکستان', 'PK'],
  ['فلسطين', 'PS'],
  ['قطر', 'QA'],
  ['срб', 'RS'],
  ['рф', 'RU'],
  ['السعودية', 'SA'],
  ['سودان', 'SD'],
  ['新加坡', 'SG'],
  ['சிங்கப்பூர்', 'SG'],
  ['سورية', 'SY'],
  ['ไทย', 'TH'],
  ['تونس', 'TN'],
  ['台湾', 'TW'],
  ['台灣', 'TW'],
  ['укр', 'UA'],
  ['اليمن', 'YE'],
];

const COUNTRY_OF_CCTLD: ReadonlyMap<string, string> = new Map([
  ...listCountries().map(({ code }) => [code.toLowerCase(), code] as const),
  ...Object.entries(OTHER_SPELLINGS),
  ...INTERNATIONALISED.map(([label, country]) => [domainToASCII(label), country] as const),
]);

/** The country of a ccTLD given without its dot (`my`, `uk`, `xn--p1ai`); undefined for any other TLD. */
export function countryOfCcTld(tld: string): string | undefined {
  return COUNTRY_OF_CCTLD.get(tld.toLowerCase());
}

/** The country whose ccTLD the domain is under: `mail.gov.my` → MY, `example.co.uk` → GB, `example.com` → undefined. */
export function countryOfDomain(domain: string): string | undefined {
  const name = domain.endsWith('.') ? domain.slice(0, -1) : domain;
  return countryOfCcTld(topLevelLabel(name));
}

/** The last label of a domain without a trailing dot: `example.co.uk` → `uk`. */
export function topLevelLabel(domain: string): string {
  return domain.slice(domain.lastIndexOf('.') + 1);
}
