// Display helpers.

/** Flag emoji from an ISO 3166-1 alpha-2 code (regional indicator symbols); '' when not a code. */
export function flag(code: string | null | undefined): string {
  if (!code || !/^[A-Za-z]{2}$/.test(code)) return '';
  const base = 0x1f1e6;
  const upper = code.toUpperCase();
  return String.fromCodePoint(base + upper.charCodeAt(0) - 65, base + upper.charCodeAt(1) - 65);
}

/** ISO-like UTC timestamp "2025-01-31 14:05 UTC", or an em dash. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** OpenPGP fingerprint in groups of four hex digits. */
export function formatFingerprint(fp: string | null | undefined): string {
  if (!fp) return '—';
  const hex = fp.replace(/\s+/g, '').toUpperCase();
  return hex.match(/.{1,4}/g)?.join(' ') ?? hex;
}

export function label(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1).replace(/-/g, ' ');
}
