// MISP object templates Sanad understands: which relations an object may hold, which attribute types
// each relation takes, and what an object needs at least. Relation names and requirements follow
// github.com/MISP/misp-objects so objects travel both ways unchanged. Where a template's own attribute
// type is outside Sanad's vocabulary (size-in-bytes, mime-type, email-message-id, ...), the relation
// takes text or other instead.
import { Invalid } from '../errors.ts';
import type { IndicatorType } from './types.ts';

export type MetaCategory = 'file' | 'network';

export interface ObjectTemplate {
  readonly name: string;
  readonly metaCategory: MetaCategory;
  readonly description: string;
  /** Relation name → attribute types it accepts, MISP's own type first. */
  readonly relations: Readonly<Record<string, readonly IndicatorType[]>>;
  /** Relations that must all be present. */
  readonly required: readonly string[];
  /** Relations of which at least one must be present. */
  readonly requiredOneOf: readonly string[];
}

const FREE_TEXT: readonly IndicatorType[] = ['text', 'other'];

const FILE: ObjectTemplate = {
  name: 'file',
  metaCategory: 'file',
  description: 'A file and its hashes.',
  relations: {
    filename: ['filename'],
    md5: ['md5'],
    sha1: ['sha1'],
    sha256: ['sha256'],
    sha512: ['sha512'],
    ssdeep: ['ssdeep'],
    tlsh: ['tlsh'],
    imphash: ['imphash'],
    'size-in-bytes': ['other', 'text'],
    mimetype: ['other', 'text'],
    path: ['text'],
    fullpath: ['text'],
    certificate: ['x509-fingerprint-sha1'],
    text: ['text'],
  },
  required: [],
  requiredOneOf: ['filename', 'size-in-bytes', 'ssdeep', 'md5', 'sha1', 'sha256', 'sha512', 'tlsh', 'imphash', 'certificate', 'path', 'fullpath'],
};

const DOMAIN_IP: ObjectTemplate = {
  name: 'domain-ip',
  metaCategory: 'network',
  description: 'A domain and the IP addresses it resolved to.',
  relations: {
    domain: ['domain'],
    hostname: ['hostname'],
    ip: ['ip-dst'],
    port: ['port'],
    text: ['text'],
  },
  required: [],
  requiredOneOf: ['ip', 'domain', 'hostname'],
};

const URL_OBJECT: ObjectTemplate = {
  name: 'url',
  metaCategory: 'network',
  description: 'A URL and its parts.',
  relations: {
    url: ['url'],
    domain: ['domain'],
    host: ['hostname'],
    ip: ['ip-dst'],
    port: ['port'],
    scheme: FREE_TEXT,
    resource_path: FREE_TEXT,
    query_string: FREE_TEXT,
    fragment: FREE_TEXT,
    credential: FREE_TEXT,
    text: ['text'],
  },
  required: ['url'],
  requiredOneOf: [],
};

const EMAIL: ObjectTemplate = {
  name: 'email',
  metaCategory: 'network',
  description: 'An e-mail message: its addresses, subject and headers.',
  relations: {
    from: ['email-src'],
    'from-display-name': FREE_TEXT,
    to: ['email-dst'],
    'to-display-name': FREE_TEXT,
    cc: ['email-dst'],
    'reply-to': ['email-src'],
    subject: ['email-subject'],
    'message-id': ['other', 'text'],
    'x-mailer': ['other', 'text'],
    header: ['text'],
  },
  required: [],
  requiredOneOf: ['from', 'from-display-name', 'to', 'to-display-name', 'cc', 'reply-to', 'subject', 'message-id', 'x-mailer', 'header'],
};

const NETWORK_CONNECTION: ObjectTemplate = {
  name: 'network-connection',
  metaCategory: 'network',
  description: 'A network connection between two endpoints.',
  relations: {
    'ip-src': ['ip-src'],
    'ip-dst': ['ip-dst'],
    'src-port': ['port'],
    'dst-port': ['port'],
    'hostname-src': ['hostname'],
    'hostname-dst': ['hostname'],
    'layer3-protocol': FREE_TEXT,
    'layer4-protocol': FREE_TEXT,
    'layer7-protocol': FREE_TEXT,
    text: ['text'],
  },
  required: [],
  // Ports alone do not say which connection this was.
  requiredOneOf: ['ip-src', 'ip-dst', 'hostname-src', 'hostname-dst'],
};

export const OBJECT_TEMPLATES: readonly ObjectTemplate[] = [FILE, DOMAIN_IP, URL_OBJECT, EMAIL, NETWORK_CONNECTION];

const BY_NAME: ReadonlyMap<string, ObjectTemplate> = new Map(OBJECT_TEMPLATES.map((template) => [template.name, template]));

export function objectTemplate(name: string): ObjectTemplate | undefined {
  return BY_NAME.get(name);
}

/**
 * Checks an object's shape against its template: every relation known, every type fitting its relation,
 * requirements met. Values themselves are checked per attribute by normaliseIndicator.
 */
export function validateObject(name: string, attributes: readonly { relation: string; type: string }[], field = 'object'): void {
  const template = objectTemplate(name);
  if (template === undefined) {
    throw new Invalid(`${field}.name`, `unknown object template "${name}" (known: ${OBJECT_TEMPLATES.map((t) => t.name).join(', ')})`);
  }
  attributes.forEach(({ relation, type }, i) => {
    const accepted = Object.hasOwn(template.relations, relation) ? template.relations[relation] : undefined;
    if (accepted === undefined) {
      const known = Object.keys(template.relations).join(', ');
      throw new Invalid(`${field}.attributes[${i}].relation`, `"${relation}" is not a relation of ${withArticle(name)} object (known: ${known})`);
    }
    if (!(accepted as readonly string[]).includes(type)) {
      throw new Invalid(`${field}.attributes[${i}].type`, `relation "${relation}" takes type ${accepted.join(' or ')}, not ${type}`);
    }
  });

  const present = new Set(attributes.map((attribute) => attribute.relation));
  const missing = template.required.filter((relation) => !present.has(relation));
  if (missing.length > 0) {
    throw new Invalid(field, `${withArticle(name)} object needs ${missing.map((relation) => `a "${relation}" attribute`).join(' and ')}`);
  }
  if (template.requiredOneOf.length > 0 && !template.requiredOneOf.some((relation) => present.has(relation))) {
    throw new Invalid(field, `${withArticle(name)} object needs at least one of: ${template.requiredOneOf.join(', ')}`);
  }
}

// "an email object", "a url object" (read "a U-R-L").
function withArticle(name: string): string {
  return `${/^[aeio]/.test(name) ? 'an' : 'a'} ${name}`;
}
