// Tags as stored: canonical machine tags, each once. TLP and PAP are fields of their own, so their
// tags are refused here rather than left to disagree with the fields.
import { Invalid } from '../../domain/errors.ts';
import { parseTag } from '../../domain/taxonomies/machine-tag.ts';
import { validateTaxonomyTag } from '../../domain/taxonomies/shipped.ts';

export function canonicalEventTags(tags: string[], field: string): string[] {
  const out = new Set<string>();
  tags.forEach((input, i) => {
    const tag = parseTag(input, `${field}[${i}]`);
    if (tag.namespace === 'tlp' || tag.namespace === 'pap') {
      throw new Invalid(`${field}[${i}]`, `set ${tag.namespace.toUpperCase()} with the ${tag.namespace} field, not as a tag`);
    }
    out.add(validateTaxonomyTag(tag, `${field}[${i}]`).name); // aliases resolved: tlp:white → tlp:clear …
  });
  return [...out].sort();
}
