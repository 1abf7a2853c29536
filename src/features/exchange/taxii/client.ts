// A TAXII 2.1 client, strict in what it accepts: the exact media type, the required properties of
// each resource, counts that match their lists, TAXII error bodies. Feeds pull remote collections
// with it; it pages with `next` and falls back to `added_after` when a server offers no token.

export const TAXII_ACCEPT = 'application/taxii+json;version=2.1';

export class TaxiiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly description: string | undefined,
  ) {
    super(`TAXII ${status} ${title}${description ? `: ${description}` : ''}`);
    this.name = 'TaxiiError';
  }
}

/** A server answer that breaks TAXII 2.1 (wrong media type, a required property missing…). */
export class TaxiiProtocolError extends Error {
  override name = 'TaxiiProtocolError';
}

export interface TaxiiClientOptions {
  /** An API key or password, sent with HTTP Basic (and the user name, default "sanad"). */
  password?: string | undefined;
  user?: string | undefined;
  timeoutMs?: number | undefined;
}

export interface PageQuery {
  addedAfter?: string | undefined;
  limit?: number | undefined;
  match?: Partial<Record<'id' | 'type' | 'version' | 'spec_version', string>> | undefined;
}

export interface ObjectPage {
  objects: Record<string, unknown>[];
  more: boolean;
  next: string | undefined;
  dateAddedFirst: string | undefined;
  dateAddedLast: string | undefined;
}

type Json = Record<string, unknown>;

function require(resource: string, body: Json, properties: string[]): void {
  for (const property of properties) {
    if (body[property] === undefined) throw new TaxiiProtocolError(`${resource} lacks the required "${property}"`);
  }
}

function isTaxiiMediaType(contentType: string | null): boolean {
  if (!contentType) return false;
  const [media, ...params] = contentType.split(';').map((p) => p.trim().toLowerCase().replace(/="(.*)"$/, '=$1'));
  return media === 'application/taxii+json' && params.includes('version=2.1');
}

export class TaxiiClient {
  constructor(private readonly options: TaxiiClientOptions = {}) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const headers: Record<string, string> = { accept: TAXII_ACCEPT, ...extra };
    if (this.options.password !== undefined) {
      headers.authorization = `Basic ${Buffer.from(`${this.options.user ?? 'sanad'}:${this.options.password}`).toString('base64')}`;
    }
    return headers;
  }

  /** One request; the answer's body and headers once its media type and status are checked. */
  async request(url: string, init: { method?: string; body?: string } = {}): Promise<{ body: Json; headers: Headers; status: number }> {
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      headers: this.headers(init.body !== undefined ? { 'content-type': TAXII_ACCEPT } : {}),
      ...(init.body !== undefined ? { body: init.body } : {}),
      redirect: 'error',
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
    });
    const text = await response.text();
    if (!isTaxiiMediaType(response.headers.get('content-type'))) {
      throw new TaxiiProtocolError(`${url} answered ${response.status} with content type ${response.headers.get('content-type') ?? '(none)'}, not ${TAXII_ACCEPT}`);
    }
    let body: Json;
    try {
      body = JSON.parse(text) as Json;
    } catch {
      throw new TaxiiProtocolError(`${url} answered with a body that is not JSON`);
    }
    if (!response.ok) {
      require('an error', body, ['title']);
      throw new TaxiiError(response.status, String(body.title), typeof body.description === 'string' ? body.description : undefined);
    }
    return { body, headers: response.headers, status: response.status };
  }

  async discovery(serverUrl: string) {
    const { body } = await this.request(new URL('/taxii2/', serverUrl).toString());
    require('the discovery resource', body, ['title']);
    return body as { title: string; description?: string; default?: string; api_roots?: string[] };
  }

  async apiRoot(rootUrl: string) {
    const { body } = await this.request(rootUrl);
    require('an API root', body, ['title', 'versions', 'max_content_length']);
    if (!(body.versions as unknown[]).includes(TAXII_ACCEPT)) throw new TaxiiProtocolError(`${rootUrl} does not offer ${TAXII_ACCEPT}`);
    return body as { title: string; versions: string[]; max_content_length: number };
  }

  async collections(rootUrl: string) {
    const { body } = await this.request(new URL('collections/', rootUrl).toString());
    const collections = (body.collections ?? []) as Json[];
    for (const collection of collections) require('a collection', collection, ['id', 'title', 'can_read', 'can_write']);
    return collections as { id: string; title: string; can_read: boolean; can_write: boolean; media_types?: string[] }[];
  }

  async collection(rootUrl: string, id: string) {
    const { body } = await this.request(new URL(`collections/${id}/`, rootUrl).toString());
    require('a collection', body, ['id', 'title', 'can_read', 'can_write']);
    return body as { id: string; title: string; can_read: boolean; can_write: boolean };
  }

  private pageUrl(base: string, query: PageQuery, next?: string): string {
    const url = new URL(base);
    if (query.addedAfter) url.searchParams.set('added_after', query.addedAfter);
    if (query.limit) url.searchParams.set('limit', String(query.limit));
    for (const [key, value] of Object.entries(query.match ?? {})) if (value !== undefined) url.searchParams.set(`match[${key}]`, value);
    if (next) url.searchParams.set('next', next);
    return url.toString();
  }

  /** One page of objects; `next` continues a paging. */
  async objectsPage(rootUrl: string, collectionId: string, query: PageQuery = {}, next?: string): Promise<ObjectPage> {
    const { body, headers } = await this.request(this.pageUrl(new URL(`collections/${collectionId}/objects/`, rootUrl).toString(), query, next));
    const objects = (body.objects ?? []) as Json[];
    if (!Array.isArray(objects)) throw new TaxiiProtocolError('an envelope\'s "objects" is not a list');
    return {
      objects,
      more: body.more === true,
      next: typeof body.next === 'string' ? body.next : undefined,
      dateAddedFirst: headers.get('x-taxii-date-added-first') ?? undefined,
      dateAddedLast: headers.get('x-taxii-date-added-last') ?? undefined,
    };
  }

  /** Every page of a collection's objects in turn: by `next` when offered, else by `added_after`. */
  async *allObjects(rootUrl: string, collectionId: string, query: PageQuery = {}): AsyncGenerator<ObjectPage> {
    let next: string | undefined;
    let addedAfter = query.addedAfter;
    for (;;) {
      const page = await this.objectsPage(rootUrl, collectionId, { ...query, addedAfter: next ? query.addedAfter : addedAfter }, next);
      yield page;
      if (!page.more) return;
      if (page.next) next = page.next;
      else if (page.dateAddedLast && page.dateAddedLast !== addedAfter) addedAfter = page.dateAddedLast;
      else throw new TaxiiProtocolError('the server says there is more but gives neither next nor X-TAXII-Date-Added-Last');
    }
  }

  async manifest(rootUrl: string, collectionId: string, query: PageQuery = {}, next?: string) {
    const { body, headers } = await this.request(this.pageUrl(new URL(`collections/${collectionId}/manifest/`, rootUrl).toString(), query, next));
    const objects = (body.objects ?? []) as Json[];
    for (const record of objects) require('a manifest record', record, ['id', 'date_added', 'version']);
    return { objects: objects as { id: string; date_added: string; version: string; media_type?: string }[], more: body.more === true, next: body.next as string | undefined, dateAddedLast: headers.get('x-taxii-date-added-last') ?? undefined };
  }

  /** An object's versions as the match asks (the last one by default). */
  async object(rootUrl: string, collectionId: string, objectId: string, query: PageQuery = {}) {
    const { body } = await this.request(this.pageUrl(new URL(`collections/${collectionId}/objects/${objectId}/`, rootUrl).toString(), query));
    return { objects: (body.objects ?? []) as Json[], more: body.more === true };
  }

  async versions(rootUrl: string, collectionId: string, objectId: string) {
    const { body } = await this.request(new URL(`collections/${collectionId}/objects/${objectId}/versions/`, rootUrl).toString());
    return { versions: (body.versions ?? []) as string[], more: body.more === true };
  }

  async addObjects(rootUrl: string, collectionId: string, objects: unknown[]) {
    const { body, status } = await this.request(new URL(`collections/${collectionId}/objects/`, rootUrl).toString(), { method: 'POST', body: JSON.stringify({ objects }) });
    if (status !== 202) throw new TaxiiProtocolError(`adding objects answered ${status}, not 202`);
    return checkedStatus(body);
  }

  async status(rootUrl: string, statusId: string) {
    const { body } = await this.request(new URL(`status/${statusId}`, rootUrl).toString());
    return checkedStatus(body);
  }
}

export interface TaxiiStatus {
  id: string;
  status: 'complete' | 'pending';
  total_count: number;
  success_count: number;
  failure_count: number;
  pending_count: number;
  successes?: { id: string; version?: string; message?: string }[];
  failures?: { id: string; version?: string; message?: string }[];
  pendings?: { id: string; version?: string }[];
}

function checkedStatus(body: Json): TaxiiStatus {
  require('a status', body, ['id', 'status', 'total_count', 'success_count', 'failure_count', 'pending_count']);
  const status = body as unknown as TaxiiStatus;
  for (const [list, count] of [
    [status.successes, status.success_count],
    [status.failures, status.failure_count],
    [status.pendings, status.pending_count],
  ] as const) {
    if (list !== undefined && list.length !== count) throw new TaxiiProtocolError('a status whose count differs from its list');
  }
  return status;
}
