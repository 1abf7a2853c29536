// Requests a feed makes: only to hosts the operator allowed (SANAD_FEED_HOSTS), over https unless the
// operator named the host itself, never to a private or loopback address unless named, redirects
// followed only within the allow-list, each answer bounded in time and size.
import dns from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { Invalid } from '../../../domain/errors.ts';
import { checkWebhookUrl } from '../../notifications/webhook-signature.ts';

/** A remote that could not be reached or answered what a feed cannot use; the message is shown as the pull's error. */
export class FeedSourceError extends Error {
  override name = 'FeedSourceError';
}

const MAX_REDIRECTS = 3;

/** How the allow-list admits a host: by its own name, by a pattern (`*.domain`, `*`), or not at all. */
export function feedHostAllowance(hostname: string, allowedHosts: readonly string[]): 'named' | 'pattern' | undefined {
  const host = hostname.toLowerCase();
  if (allowedHosts.includes(host)) return 'named';
  if (allowedHosts.includes('*')) return 'pattern';
  if (allowedHosts.some((entry) => entry.startsWith('*.') && host.endsWith(entry.slice(1)))) return 'pattern';
  return undefined;
}

/** Checks a feed's address when it is saved and before each pull: absolute, without credentials in
 *  it, https (plain http only to a host the operator named), and a host on the allow-list. */
export function checkFeedUrl(text: string, allowedHosts: readonly string[], field = 'url'): URL {
  const url = checkWebhookUrl(text, allowedHosts.filter((entry) => !entry.startsWith('*')), field);
  if (!feedHostAllowance(url.hostname, allowedHosts)) {
    throw new Invalid(field, `${url.hostname} is not a host the operator allows feeds to reach (SANAD_FEED_HOSTS)`);
  }
  url.hash = '';
  return url;
}

/** A host admitted only by a pattern must resolve to public addresses: a pattern never opens the
 *  node's own network. */
export async function checkFeedAddress(url: URL, allowedHosts: readonly string[]): Promise<void> {
  if (feedHostAllowance(url.hostname, allowedHosts) === 'named') return;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: string[];
  try {
    addresses = ipaddr.isValid(host) ? [host] : (await dns.lookup(host, { all: true })).map((a) => a.address);
  } catch (error) {
    throw new FeedSourceError(`${url.hostname} does not resolve (${errorCode(error)})`);
  }
  for (const address of addresses) {
    const range = ipaddr.process(address).range();
    if (range !== 'unicast') throw new FeedSourceError(`${url.hostname} resolves to ${address} (${range}), which feeds reach only when the operator names the host`);
  }
}

function errorCode(error: unknown): string {
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return String(error);
}

/** Why a request failed, in one line: the network's reason rather than fetch's "fetch failed". */
export function describeFailure(error: unknown, url: string | URL, timeoutMs: number): string {
  const where = typeof url === 'string' ? url : url.toString();
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `${where}: no answer within ${Math.round(timeoutMs / 1000)} s`;
  if (error instanceof TypeError && error.cause instanceof Error) return `${where}: ${errorCode(error.cause)}`;
  return `${where}: ${error instanceof Error ? error.message : String(error)}`;
}

export interface FeedRequest {
  headers: Record<string, string>;
  allowedHosts: readonly string[];
  timeoutMs: number;
  maxBytes: number;
}

export interface FeedResponse {
  /** 200, or 304 when the remote says the file is unchanged (then `body` is null). */
  status: number;
  headers: Headers;
  body: Buffer | null;
}

const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];

/** GET `address` within the feed's limits. */
export async function fetchFeedFile(address: URL, request: FeedRequest): Promise<FeedResponse> {
  let url = address;
  let headers = request.headers;
  for (let hop = 0; ; hop += 1) {
    checkFeedUrl(url.toString(), request.allowedHosts);
    await checkFeedAddress(url, request.allowedHosts);
    let response: Response;
    try {
      response = await fetch(url, { headers, redirect: 'manual', signal: AbortSignal.timeout(request.timeoutMs) });
    } catch (error) {
      throw new FeedSourceError(describeFailure(error, url, request.timeoutMs));
    }
    if ([301, 302, 303, 307, 308].includes(response.status)) {
      await response.body?.cancel();
      const location = response.headers.get('location');
      if (!location || hop >= MAX_REDIRECTS) throw new FeedSourceError(`${url}: ${location ? `more than ${MAX_REDIRECTS} redirects` : `redirect ${response.status} without a Location`}`);
      const next = new URL(location, url);
      try {
        checkFeedUrl(next.toString(), request.allowedHosts);
      } catch (error) {
        throw new FeedSourceError(`${url} redirects to ${next}: ${error instanceof Invalid ? error.reason : String(error)}`);
      }
      // Credentials go to the origin they were given for, not wherever it redirects.
      if (next.origin !== url.origin) headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !CREDENTIAL_HEADERS.includes(name.toLowerCase())));
      url = next;
      continue;
    }
    if (response.status === 304) {
      await response.body?.cancel();
      return { status: 304, headers: response.headers, body: null };
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new FeedSourceError(`${url} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
    }
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > request.maxBytes) {
      await response.body?.cancel();
      throw new FeedSourceError(`${url} is ${declared} bytes, more than the ${request.maxBytes} a feed file may have`);
    }
    return { status: response.status, headers: response.headers, body: await readLimited(response, url, request) };
  }
}

async function readLimited(response: Response, url: URL, request: FeedRequest): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > request.maxBytes) {
        await reader.cancel();
        throw new FeedSourceError(`${url} sends more than the ${request.maxBytes} bytes a feed file may have`);
      }
      chunks.push(Buffer.from(value));
    }
  } catch (error) {
    if (error instanceof FeedSourceError) throw error;
    throw new FeedSourceError(describeFailure(error, url, request.timeoutMs));
  }
  return Buffer.concat(chunks);
}
