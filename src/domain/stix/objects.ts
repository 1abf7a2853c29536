// Structural validation of STIX 2.1 content as it arrives from peers and feeds: common properties per
// object family, the properties each type requires, and the naming rules for custom content. It lists
// every problem with its path instead of stopping at the first, so an import report can show them all.
import { Invalid } from '../errors.ts';
import { canonicalJson } from './canonical-json.ts';
import { SCO_TYPES, isStixId, isStixIdOfType, isStixType } from './identifiers.ts';
import { wellKnownMarking } from './markings.ts';
import { compareStixTimestamps, hasMillisecondPrecision, isStixTimestamp, parseStixTimestamp } from './timestamps.ts';

export interface StixProblem {
  /** Where the problem is, like `objects[3].modified`; '' for the document itself. */
  path: string;
  reason: string;
}

export const SDO_TYPES = [
  'attack-pattern',
  'campaign',
  'course-of-action',
  'grouping',
  'identity',
  'incident',
  'indicator',
  'infrastructure',
  'intrusion-set',
  'location',
  'malware',
  'malware-analysis',
  'note',
  'observed-data',
  'opinion',
  'report',
  'threat-actor',
  'tool',
  'vulnerability',
] as const;
export const SRO_TYPES = ['relationship', 'sighting'] as const;
export const META_TYPES = ['language-content', 'marking-definition', 'extension-definition'] as const;

/** `custom` is the deprecated `x-` object; new types declared by an extension take the family it declares. */
export type StixFamily = 'sdo' | 'sro' | 'sco' | 'meta' | 'custom';

const FAMILY_OF: ReadonlyMap<string, StixFamily> = new Map<string, StixFamily>([
  ...SDO_TYPES.map((type) => [type, 'sdo'] as const),
  ...SRO_TYPES.map((type) => [type, 'sro'] as const),
  ...SCO_TYPES.map((type) => [type, 'sco'] as const),
  ...META_TYPES.map((type) => [type, 'meta'] as const),
]);

const EXTENSION_TYPES = ['new-sdo', 'new-sco', 'new-sro', 'property-extension', 'toplevel-property-extension'];

/** The extensions STIX 2.1 defines itself, named without an extension-definition, per SCO type. */
const PREDEFINED_EXTENSIONS: Readonly<Record<string, readonly string[]>> = {
  file: ['archive-ext', 'ntfs-ext', 'pdf-ext', 'raster-image-ext', 'windows-pebinary-ext'],
  'network-traffic': ['http-request-ext', 'icmp-ext', 'socket-ext', 'tcp-ext'],
  process: ['windows-process-ext', 'windows-service-ext'],
  'user-account': ['unix-account-ext'],
};

const PROPERTY_NAME = /^[a-z0-9_]{3,250}$/;

/** The family `type` belongs to, from the spec's lists or from the extension that declares it. */
export function stixFamily(type: string, object: Readonly<Record<string, unknown>> = {}): StixFamily | undefined {
  const known = FAMILY_OF.get(type);
  if (known !== undefined) return known;
  if (type.startsWith('x-')) return 'custom';
  const declared = isRecord(object.extensions)
    ? Object.values(object.extensions).find((ext) => isRecord(ext) && typeof ext.extension_type === 'string' && ext.extension_type.startsWith('new-'))
    : undefined;
  if (!isRecord(declared)) return undefined;
  return declared.extension_type === 'new-sco' ? 'sco' : declared.extension_type === 'new-sro' ? 'sro' : 'sdo';
}

// ------------------------------------------------------------------ objects

/** Problems of one STIX object; `path` prefixes every problem path (`objects[3]` → `objects[3].id`). */
export function validateStixObject(input: unknown, path = ''): StixProblem[] {
  const problems: StixProblem[] = [];
  if (!isRecord(input)) {
    problems.push({ path, reason: 'must be a JSON object' });
    return problems;
  }
  new ObjectCheck(input, path, problems).run();
  return problems;
}

class ObjectCheck {
  constructor(
    readonly object: Readonly<Record<string, unknown>>,
    private readonly path: string,
    private readonly problems: StixProblem[],
  ) {}

  run(): void {
    const type = this.object.type;
    if (type === undefined) this.report('type', 'is required');
    else if (!isStixType(type)) this.report('type', `must be a type name: 3 to 250 of a-z, 0-9 and single hyphens, found ${show(type)}`);
    else if (type === 'bundle') this.report('type', 'a bundle cannot be nested inside another bundle');
    const validType = isStixType(type) && type !== 'bundle' ? type : undefined;
    const family = validType === undefined ? undefined : stixFamily(validType, this.object);
    if (validType !== undefined && family === undefined) {
      this.report(
        'type',
        `${show(validType)} is not a STIX 2.1 type; a new type must be declared by an extension-definition (extension_type new-sdo, new-sco or new-sro) or, deprecated, start with x-`,
      );
    }

    this.checkId(validType);
    this.checkPropertyNames();
    this.checkSpecVersion(validType, family);
    this.checkCreatedModified(validType, family);
    this.checkCommonOptionals(validType, family);
    if (validType !== undefined) TYPE_RULES[validType]?.(this);
  }

  report(property: string, reason: string): void {
    this.problems.push({ path: join(this.path, property), reason });
  }

  get(property: string): unknown {
    return this.object[property];
  }

  has(property: string): boolean {
    return this.object[property] !== undefined;
  }

  // ---------------------------------------------------------------- common

  private checkId(type: string | undefined): void {
    const id = this.object.id;
    if (id === undefined) return this.report('id', 'is required');
    if (!isStixId(id)) return this.report('id', `must be <type>--<RFC 4122 UUID>, found ${show(id)}`);
    if (type !== undefined && !id.startsWith(`${type}--`)) this.report('id', `must start with "${type}--" to match the type`);
  }

  private checkPropertyNames(): void {
    for (const [name, value] of Object.entries(this.object)) {
      // `id` is the one STIX property shorter than three characters.
      if (name !== 'id' && !PROPERTY_NAME.test(name)) {
        this.report(name, 'property names must be 3 to 250 characters of a-z, 0-9 and _');
      }
      if (value === null) this.report(name, 'must be left out rather than null');
      else if (Array.isArray(value) && value.length === 0) this.report(name, 'must not be an empty list; an optional property is left out instead');
    }
  }

  private checkSpecVersion(type: string | undefined, family: StixFamily | undefined): void {
    const specVersion = this.object.spec_version;
    if (specVersion === undefined) {
      // SCOs default to 2.1; any other object without spec_version is, by the spec's rule, STIX 2.0.
      if (family === 'sdo' || family === 'sro' || family === 'meta') {
        this.report('spec_version', `is required on ${type} objects; without it the object is STIX 2.0`);
      }
      return;
    }
    if (specVersion === '2.0') this.report('spec_version', 'is "2.0": only STIX 2.1 content is accepted');
    else if (specVersion !== '2.1') this.report('spec_version', `must be "2.1", found ${show(specVersion)}`);
  }

  private checkCreatedModified(type: string | undefined, family: StixFamily | undefined): void {
    const versioned = family === 'sdo' || family === 'sro' || (family === 'meta' && type !== 'marking-definition');
    if (family === 'sco') {
      for (const property of ['created', 'modified', 'created_by_ref']) {
        if (this.has(property)) this.report(property, `cyber-observables have no ${property}`);
      }
      return;
    }
    if (type === 'marking-definition' && this.has('modified')) {
      this.report('modified', 'marking definitions are never versioned and have no modified');
    }
    const created = this.checkVersionTimestamp('created', versioned || type === 'marking-definition');
    const modified = type === 'marking-definition' ? undefined : this.checkVersionTimestamp('modified', versioned);
    if (created !== undefined && modified !== undefined && compareStixTimestamps(modified, created) < 0) {
      this.report('modified', `must not be earlier than created (${created})`);
    }
  }

  /** The value when it is a valid timestamp of at least millisecond precision. */
  private checkVersionTimestamp(property: 'created' | 'modified', required: boolean): string | undefined {
    const value = this.object[property];
    if (value === undefined) {
      if (required) this.report(property, 'is required');
      return undefined;
    }
    const valid = this.timestamp(property);
    if (valid === undefined) return undefined;
    if (!hasMillisecondPrecision(valid)) {
      this.report(property, `must be precise to at least the millisecond (3 fractional digits), found ${show(valid)}`);
      return undefined;
    }
    return valid;
  }

  private checkCommonOptionals(type: string | undefined, family: StixFamily | undefined): void {
    const createdBy = this.object.created_by_ref;
    if (createdBy !== undefined && family !== 'sco' && !isStixIdOfType(createdBy, 'identity')) {
      this.report('created_by_ref', `must be the id of an identity, found ${show(createdBy)}`);
    }
    if (this.has('revoked') && typeof this.object.revoked !== 'boolean') this.report('revoked', 'must be true or false');
    if (this.has('defanged') && typeof this.object.defanged !== 'boolean') this.report('defanged', 'must be true or false');
    this.stringList('labels');
    const confidence = this.object.confidence;
    if (confidence !== undefined && !(Number.isInteger(confidence) && (confidence as number) >= 0 && (confidence as number) <= 100)) {
      this.report('confidence', 'must be an integer from 0 to 100');
    }
    if (this.has('lang') && typeof this.object.lang !== 'string') this.report('lang', 'must be a language tag string (RFC 5646)');
    this.checkExternalReferences();
    this.refList('object_marking_refs', ['marking-definition']);
    this.checkGranularMarkings();
    this.checkExtensions(type);
  }

  private checkExternalReferences(): void {
    const refs = this.object.external_references;
    if (refs === undefined || refs === null) return;
    if (!Array.isArray(refs)) return this.report('external_references', 'must be a list of external references');
    refs.forEach((ref: unknown, i) => {
      const at = `external_references[${i}]`;
      if (!isRecord(ref)) return this.report(at, 'must be an object');
      if (typeof ref.source_name !== 'string') this.report(`${at}.source_name`, 'is required');
      if (ref.description === undefined && ref.url === undefined && ref.external_id === undefined) {
        this.report(at, 'needs at least one of description, url and external_id besides source_name');
      }
      for (const property of ['description', 'url', 'external_id']) {
        if (ref[property] !== undefined && typeof ref[property] !== 'string') this.report(`${at}.${property}`, 'must be a string');
      }
      if (ref.hashes !== undefined && !isRecord(ref.hashes)) this.report(`${at}.hashes`, 'must be a dictionary of hashes');
    });
  }

  private checkGranularMarkings(): void {
    const markings = this.object.granular_markings;
    if (markings === undefined || markings === null) return;
    if (!Array.isArray(markings)) return this.report('granular_markings', 'must be a list of granular markings');
    markings.forEach((marking: unknown, i) => {
      const at = `granular_markings[${i}]`;
      if (!isRecord(marking)) return this.report(at, 'must be an object');
      const selectors = marking.selectors;
      if (!Array.isArray(selectors) || selectors.length === 0 || !selectors.every((s) => typeof s === 'string')) {
        this.report(`${at}.selectors`, 'is required: a non-empty list of selector strings');
      }
      const hasRef = marking.marking_ref !== undefined;
      const hasLang = marking.lang !== undefined;
      if (hasRef === hasLang) this.report(at, 'must have exactly one of marking_ref and lang');
      if (hasRef && !isStixIdOfType(marking.marking_ref, 'marking-definition')) {
        this.report(`${at}.marking_ref`, `must be the id of a marking-definition, found ${show(marking.marking_ref)}`);
      }
      if (hasLang && typeof marking.lang !== 'string') this.report(`${at}.lang`, 'must be a language tag string');
    });
  }

  private checkExtensions(type: string | undefined): void {
    const extensions = this.object.extensions;
    if (extensions === undefined || extensions === null) return;
    if (!isRecord(extensions)) return this.report('extensions', 'must be a dictionary of extensions');
    if (Object.keys(extensions).length === 0) this.report('extensions', 'must be left out rather than empty');
    const predefined = (type !== undefined && PREDEFINED_EXTENSIONS[type]) || [];
    for (const [name, content] of Object.entries(extensions)) {
      const at = `extensions.${name}`;
      if (name.startsWith('extension-definition--')) {
        if (!isStixIdOfType(name, 'extension-definition')) this.report(at, 'must be named by a valid extension-definition id');
      } else if (!predefined.includes(name)) {
        this.report(
          at,
          predefined.length > 0
            ? `is neither an extension-definition id nor one of the ${type} extensions (${predefined.join(', ')})`
            : 'must be named by an extension-definition id',
        );
      }
      if (!isRecord(content)) {
        this.report(at, 'must be an object');
        continue;
      }
      const kind = content.extension_type;
      if (kind !== undefined && !(typeof kind === 'string' && EXTENSION_TYPES.includes(kind))) {
        this.report(`${at}.extension_type`, `must be one of ${EXTENSION_TYPES.join(', ')}, found ${show(kind)}`);
      }
    }
  }

  // ------------------------------------------------ checks the type rules build on

  /** The value when it is a valid timestamp; reports it otherwise. */
  timestamp(property: string, required = false): string | undefined {
    const value = this.object[property];
    if (value === undefined) {
      if (required) this.report(property, 'is required');
      return undefined;
    }
    try {
      parseStixTimestamp(value, property);
      return value as string;
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      this.report(property, error.reason);
      return undefined;
    }
  }

  /** Reports when `later` comes before `earlier` (or, with `strictly`, at the same instant). */
  order(earlier: string, later: string, strictly: boolean): void {
    const from = this.object[earlier];
    const to = this.object[later];
    if (!isStixTimestamp(from) || !isStixTimestamp(to)) return;
    const comparison = compareStixTimestamps(to, from);
    if (comparison < 0 || (strictly && comparison === 0)) {
      this.report(later, `must be ${strictly ? 'later than' : 'no earlier than'} ${earlier} (${from})`);
    }
  }

  string(property: string, required = true): void {
    const value = this.object[property];
    if (value === undefined) {
      if (required) this.report(property, 'is required');
    } else if (typeof value !== 'string') this.report(property, 'must be a string');
  }

  boolean(property: string, required = true): void {
    const value = this.object[property];
    if (value === undefined) {
      if (required) this.report(property, 'is required');
    } else if (typeof value !== 'boolean') this.report(property, 'must be true or false');
  }

  integer(property: string, min: number, max: number, required = false): void {
    const value = this.object[property];
    if (value === undefined) {
      if (required) this.report(property, 'is required');
    } else if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
      this.report(property, `must be an integer from ${min} to ${max}`);
    }
  }

  stringList(property: string, required = false): void {
    const value = this.object[property];
    if (value === undefined) {
      if (required) this.report(property, 'is required');
    } else if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      this.report(property, 'must be a list of strings');
    }
  }

  ref(property: string, types?: readonly string[], required = true): void {
    const value = this.object[property];
    if (value === undefined) {
      if (required) this.report(property, 'is required');
    } else if (!isStixId(value)) this.report(property, `must be a STIX id, found ${show(value)}`);
    else if (types !== undefined && !isStixIdOfType(value, ...types)) this.report(property, `must be the id of ${describe(types)}, found ${show(value)}`);
  }

  refList(property: string, types?: readonly string[], required = false): void {
    const value = this.object[property];
    if (value === undefined) {
      if (required) this.report(property, 'is required');
      return;
    }
    if (!Array.isArray(value)) return this.report(property, 'must be a list of STIX ids');
    value.forEach((item: unknown, i) => {
      if (!isStixId(item)) this.report(`${property}[${i}]`, `must be a STIX id, found ${show(item)}`);
      else if (types !== undefined && !isStixIdOfType(item, ...types)) {
        this.report(`${property}[${i}]`, `must be the id of ${describe(types)}, found ${show(item)}`);
      }
    });
  }
}

// ----------------------------------------------------------------- per type

type TypeRule = (check: ObjectCheck) => void;

const named: TypeRule = (check) => check.string('name');

function seen(first: string, last: string): TypeRule {
  return (check) => {
    check.timestamp(first);
    check.timestamp(last);
    check.order(first, last, false);
  };
}

function all(...rules: TypeRule[]): TypeRule {
  return (check) => rules.forEach((rule) => rule(check));
}

const OPINIONS = ['strongly-disagree', 'disagree', 'neutral', 'agree', 'strongly-agree'];
const RELATIONSHIP_TYPE = /^[a-z0-9-]+$/;
const NOT_SIGHTABLE = [...SCO_TYPES, ...SRO_TYPES, ...META_TYPES] as readonly string[];

function valueOnly(check: ObjectCheck): void {
  check.string('value');
}

const TYPE_RULES: Readonly<Record<string, TypeRule>> = {
  // SDOs
  'attack-pattern': named,
  campaign: all(named, seen('first_seen', 'last_seen')),
  'course-of-action': named,
  grouping: (check) => {
    check.string('context');
    check.refList('object_refs', undefined, true);
  },
  identity: named,
  incident: named,
  indicator: (check) => {
    check.string('pattern');
    check.string('pattern_type');
    check.timestamp('valid_from', true);
    check.timestamp('valid_until');
    check.order('valid_from', 'valid_until', true);
  },
  infrastructure: all(named, seen('first_seen', 'last_seen')),
  'intrusion-set': all(named, seen('first_seen', 'last_seen')),
  location: (check) => {
    const hasLatitude = check.has('latitude');
    const hasLongitude = check.has('longitude');
    if (!check.has('region') && !check.has('country') && !(hasLatitude && hasLongitude)) {
      check.report('region', 'a location needs region, country, or latitude and longitude');
    }
    if (hasLatitude !== hasLongitude) check.report(hasLatitude ? 'longitude' : 'latitude', 'latitude and longitude go together');
    if (hasLatitude && !inRange(check.get('latitude'), -90, 90)) check.report('latitude', 'must be a number from -90 to 90');
    if (hasLongitude && !inRange(check.get('longitude'), -180, 180)) check.report('longitude', 'must be a number from -180 to 180');
  },
  malware: (check) => {
    check.boolean('is_family');
    // The spec requires a name for malware families only; an instance may be unnamed.
    check.string('name', check.get('is_family') === true);
    seen('first_seen', 'last_seen')(check);
  },
  'malware-analysis': (check) => {
    check.string('product');
    if (!check.has('result') && !check.has('analysis_sco_refs')) check.report('result', 'a malware analysis needs result or analysis_sco_refs');
    check.refList('analysis_sco_refs');
    check.timestamp('submitted');
    check.timestamp('analysis_started');
    check.timestamp('analysis_ended');
    check.order('analysis_started', 'analysis_ended', false);
  },
  note: (check) => {
    check.string('content');
    check.refList('object_refs', undefined, true);
  },
  'observed-data': (check) => {
    check.timestamp('first_observed', true);
    check.timestamp('last_observed', true);
    check.order('first_observed', 'last_observed', false);
    check.integer('number_observed', 1, 999_999_999, true);
    // `objects` is the deprecated form of the same content: one of the two, never both.
    if (check.has('object_refs') === check.has('objects')) check.report('object_refs', 'exactly one of object_refs and the deprecated objects is required');
    check.refList('object_refs');
  },
  opinion: (check) => {
    const opinion = check.get('opinion');
    if (opinion === undefined) check.report('opinion', 'is required');
    else if (typeof opinion !== 'string' || !OPINIONS.includes(opinion)) check.report('opinion', `must be one of ${OPINIONS.join(', ')}`);
    check.refList('object_refs', undefined, true);
  },
  report: (check) => {
    check.string('name');
    check.timestamp('published', true);
    check.refList('object_refs', undefined, true);
  },
  'threat-actor': all(named, seen('first_seen', 'last_seen')),
  tool: named,
  vulnerability: named,

  // SROs
  relationship: (check) => {
    const kind = check.get('relationship_type');
    if (kind === undefined) check.report('relationship_type', 'is required');
    else if (typeof kind !== 'string' || !RELATIONSHIP_TYPE.test(kind)) check.report('relationship_type', 'must be a-z, 0-9 and hyphens, like uses or indicates');
    check.ref('source_ref');
    check.ref('target_ref');
    check.timestamp('start_time');
    check.timestamp('stop_time');
    check.order('start_time', 'stop_time', true);
  },
  sighting: (check) => {
    check.ref('sighting_of_ref');
    const of = check.get('sighting_of_ref');
    if (isStixId(of) && NOT_SIGHTABLE.includes(of.slice(0, of.indexOf('--')))) {
      check.report('sighting_of_ref', 'must reference a STIX domain object, such as an indicator or malware');
    }
    seen('first_seen', 'last_seen')(check);
    check.integer('count', 0, 999_999_999);
    check.refList('observed_data_refs', ['observed-data']);
    check.refList('where_sighted_refs', ['identity', 'location']);
  },

  // Meta objects
  'marking-definition': (check) => checkMarkingDefinition(check),
  'extension-definition': (check) => {
    // The common checks already verify its form; an extension must say who defined it.
    if (!check.has('created_by_ref')) check.report('created_by_ref', 'is required');
    check.string('name');
    check.string('schema');
    check.string('version');
    const kinds = check.get('extension_types');
    if (kinds === undefined) check.report('extension_types', 'is required');
    else if (!Array.isArray(kinds) || !kinds.every((kind) => typeof kind === 'string' && EXTENSION_TYPES.includes(kind))) {
      check.report('extension_types', `must list some of ${EXTENSION_TYPES.join(', ')}`);
    }
  },
  'language-content': (check) => {
    check.ref('object_ref');
    if (!check.has('contents')) check.report('contents', 'is required');
    else if (typeof check.get('contents') !== 'object' || Array.isArray(check.get('contents'))) check.report('contents', 'must be a dictionary of languages');
  },

  // SCOs
  artifact: (check) => {
    if (check.has('payload_bin') === check.has('url')) check.report('payload_bin', 'exactly one of payload_bin and url is required');
    if (check.has('url') && !check.has('hashes')) check.report('hashes', 'is required when the artifact is given by url');
  },
  'autonomous-system': (check) => check.integer('number', 0, Number.MAX_SAFE_INTEGER, true),
  directory: (check) => check.string('path'),
  'domain-name': valueOnly,
  'email-addr': valueOnly,
  'email-message': (check) => {
    check.boolean('is_multipart');
    check.timestamp('date');
  },
  file: (check) => {
    if (!check.has('hashes') && !check.has('name')) check.report('name', 'a file needs hashes or name');
    for (const property of ['ctime', 'mtime', 'atime']) check.timestamp(property);
  },
  'ipv4-addr': valueOnly,
  'ipv6-addr': valueOnly,
  'mac-addr': valueOnly,
  mutex: (check) => check.string('name'),
  'network-traffic': (check) => {
    check.stringList('protocols', true);
    if (!check.has('src_ref') && !check.has('dst_ref')) check.report('src_ref', 'network traffic needs src_ref or dst_ref');
    check.timestamp('start');
    check.timestamp('end');
    check.order('start', 'end', false);
  },
  software: (check) => check.string('name'),
  url: valueOnly,
};

function checkMarkingDefinition(check: ObjectCheck): void {
  const kind = check.get('definition_type');
  const definition = check.get('definition');
  if (kind === undefined && definition === undefined && !check.has('extensions')) {
    check.report('definition', 'a marking definition needs definition_type and definition, or an extension');
  } else if ((kind === undefined) !== (definition === undefined)) {
    check.report(kind === undefined ? 'definition_type' : 'definition', 'definition_type and definition go together');
  } else if (kind === 'tlp') {
    if (!isRecord(definition) || !['white', 'green', 'amber', 'red'].includes(definition.tlp as string)) {
      check.report('definition', 'a TLP definition is {"tlp": "white" | "green" | "amber" | "red"}');
    }
  } else if (kind === 'statement') {
    if (!isRecord(definition) || typeof definition.statement !== 'string') check.report('definition', 'a statement definition is {"statement": "…"}');
  } else if (kind !== undefined && !isRecord(definition)) {
    check.report('definition', 'must be an object');
  }

  // Well-known markings are referenced by id alone; a differing copy would let two peers read one id two ways.
  const id = check.get('id');
  const published = typeof id === 'string' ? wellKnownMarking(id) : undefined;
  if (published === undefined) return;
  const expected: Readonly<Record<string, unknown>> = { ...published };
  const differing = [...new Set([...Object.keys(expected), ...Object.keys(check.object)])].filter(
    (property) => !sameJson(check.object[property], expected[property]),
  );
  if (differing.length > 0) {
    check.report('', `must be exactly the published ${published.name} marking definition; differs in ${differing.join(', ')}`);
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return a === b;
  try {
    return canonicalJson(a) === canonicalJson(b);
  } catch {
    return false;
  }
}

// -------------------------------------------------------------- documents

export type StixDocumentShape = 'bundle' | 'object' | 'array';

export interface StixDocumentCheck {
  /** What the top level was: a bundle, a bare object, a bare array of objects; null when none of these. */
  shape: StixDocumentShape | null;
  problems: StixProblem[];
}

/**
 * Problems of a parsed STIX document. Besides a bundle it takes a bare object and a bare array,
 * which peers and files do send; `shape` says which it was so that a caller can insist on a bundle.
 */
export function validateBundle(json: unknown): StixDocumentCheck {
  if (Array.isArray(json)) {
    const problems = json.flatMap((object, i) => validateStixObject(object, `[${i}]`));
    if (json.length === 0) problems.push({ path: '', reason: 'an empty array holds no STIX object' });
    return { shape: 'array', problems };
  }
  if (!isRecord(json)) {
    return { shape: null, problems: [{ path: '', reason: 'must be a STIX bundle, a STIX object or an array of STIX objects' }] };
  }
  if (!looksLikeBundle(json)) return { shape: 'object', problems: validateStixObject(json) };

  const problems: StixProblem[] = [];
  const report = (path: string, reason: string) => problems.push({ path, reason });
  if (json.type === undefined) report('type', 'is required: a bundle has "type": "bundle"');
  if (json.id === undefined) report('id', 'is required');
  else if (!isStixIdOfType(json.id, 'bundle')) report('id', `must be bundle--<RFC 4122 UUID>, found ${show(json.id)}`);
  if (json.spec_version !== undefined) {
    report(
      'spec_version',
      json.spec_version === '2.0'
        ? 'is "2.0": this is a STIX 2.0 bundle; a STIX 2.1 bundle has no spec_version'
        : 'must be left out: a STIX 2.1 bundle has no spec_version',
    );
  }
  for (const name of Object.keys(json)) {
    if (name !== 'id' && !PROPERTY_NAME.test(name)) report(name, 'property names must be 3 to 250 characters of a-z, 0-9 and _');
  }
  const objects = json.objects;
  if (objects !== undefined) {
    if (!Array.isArray(objects)) report('objects', 'must be a list of STIX objects');
    else if (objects.length === 0) report('objects', 'must be left out rather than an empty list');
    else objects.forEach((object, i) => problems.push(...validateStixObject(object, `objects[${i}]`)));
  }
  return { shape: 'bundle', problems };
}

// A bundle that lost its type is still told apart from an object by its id or its objects list.
function looksLikeBundle(json: Record<string, unknown>): boolean {
  if (json.type !== undefined) return json.type === 'bundle';
  return (typeof json.id === 'string' && json.id.startsWith('bundle--')) || Array.isArray(json.objects);
}

// ------------------------------------------------------------------ values

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function inRange(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && value >= min && value <= max;
}

function join(path: string, property: string): string {
  if (property === '') return path;
  if (path === '') return property;
  return property.startsWith('[') ? `${path}${property}` : `${path}.${property}`;
}

function describe(types: readonly string[]): string {
  const list = types.length === 1 ? `${types[0]}` : `${types.slice(0, -1).join(', ')} or ${types.at(-1)}`;
  return /^[aeiou]/.test(list) ? `an ${list}` : `a ${list}`;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
