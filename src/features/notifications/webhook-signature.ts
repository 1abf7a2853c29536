// Webhook signatures: HMAC-SHA256 over "<timestamp>.<body>" with the hook's secret, sent as
// `X-Sanad-Timestamp` and `X-Sanad-Signature: sha256=<hex>`. The timestamp binds the signature to a
// moment so that a captured delivery cannot be replayed later.
import crypto from 'node:crypto';
import dns from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { Invalid, Unauthorized } from '../../domain/errors.ts';

export const SIGNATURE_HEADER = 'x-sanad-signature';
export const TIMESTAMP_HEADER = 'x-sanad-timestamp';
export const MAX_CLOCK_SKEW_SECONDS = 300;

export function signPayload(secret: string, timestamp: number, body: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Throws Unauthorized unless the signature is the secret's, for this body, made within the allowed skew. */
export function verifySignature(secret: string, headers: { timestamp: string | undefined; signature: string | undefined }, body: string, now = Date.now()): void {
  const timestamp = Number(headers.timestamp);
  if (!headers.timestamp || !Number.isInteger(timestamp)) throw new Unauthorized(`${TIMESTAMP_HEADER} is missing or not a Unix time in seconds`);
  if (Math.abs(now / 1000 - timestamp) > MAX_CLOCK_SKEW_SECONDS) throw new Unauthorized(`${TIMESTAMP_HEADER} is more than ${MAX_CLOCK_SKEW_SECONDS} s away from now`);
  const expected = Buffer.from(signPayload(secret, timestamp, body));
  const given = Buffer.from(headers.signature ?? '');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) throw new Unauthorized(`${SIGNATURE_HEADER} does not match the body`);
}

export function newSecret(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/** Checks a webhook address when it is registered: https, or a host the operator allowed. */
export function checkWebhookUrl(text: string, allowedHosts: readonly string[], field = 'url'): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Invalid(field, 'must be an absolute URL');
  }
  if (url.username || url.password) throw new Invalid(field, 'must not carry credentials');
  const allowed = allowedHosts.includes(url.hostname.toLowerCase()) || allowedHosts.includes('*');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowed)) throw new Invalid(field, 'must use https (plain http only to hosts the operator allowed)');
  return url;
}

/** Before each delivery: the host must not resolve to a private, loopback or link-local address
 *  unless the operator allowed it, so a webhook cannot be aimed at the node's own network. */
export async function checkDeliveryTarget(url: URL, allowedHosts: readonly string[]): Promise<void> {
  if (allowedHosts.includes(url.hostname.toLowerCase()) || allowedHosts.includes('*')) return;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const addresses = ipaddr.isValid(host) ? [host] : (await dns.lookup(host, { all: true })).map((a) => a.address);
  for (const address of addresses) {
    const parsed = ipaddr.process(address);
    if (parsed.range() !== 'unicast') throw new Error(`${url.hostname} resolves to ${address} (${parsed.range()}), which webhooks may not reach`);
  }
}
