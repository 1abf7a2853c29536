// Country code with its flag and (when known) its name.
import { useEffect, useState } from 'react';
import { countries, type Country } from '../api.ts';
import { flag } from './format.ts';

export function useCountries(): Country[] {
  const [list, setList] = useState<Country[]>([]);
  useEffect(() => {
    let live = true;
    countries().then(
      (items) => {
        if (live) setList(items);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return list;
}

export function countryName(list: readonly Country[], code: string | null): string | undefined {
  if (!code) return undefined;
  return list.find((c) => c.code.toUpperCase() === code.toUpperCase())?.name;
}

export function CountryLabel({ code, list, long = false }: { code: string | null; list: readonly Country[]; long?: boolean }) {
  if (!code) return <span className="muted">—</span>;
  const name = countryName(list, code);
  return (
    <span className="country" title={name}>
      <span className="flag" aria-hidden="true">
        {flag(code)}
      </span>{' '}
      <span>{code.toUpperCase()}</span>
      {long && name ? <span> ({name})</span> : null}
    </span>
  );
}
