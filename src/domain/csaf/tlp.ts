// TLP between Sanad (TLP 2.0) and CSAF 2.0 (`distribution.tlp.label`, which still speaks TLP 1.0).
// CLEAR is written WHITE. AMBER+STRICT has no CSAF 2.0 label: writing AMBER would widen who may
// receive it, so an export refuses it unless the caller asks for RED instead.
import { Invalid } from '../errors.ts';
import { tlpRank, type Tlp } from '../handling.ts';

export const CSAF_TLP_LABELS = ['WHITE', 'GREEN', 'AMBER', 'RED'] as const;
export type CsafTlpLabel = (typeof CSAF_TLP_LABELS)[number];

export const TLP_URL = 'https://www.first.org/tlp/';

/** What to do with TLP:AMBER+STRICT: refuse the export, or label it RED (narrower, never wider). */
export type StrictAmberChoice = 'refuse' | 'red';

export function csafLabelFor(tlp: Tlp, strictAmber: StrictAmberChoice = 'refuse'): CsafTlpLabel {
  switch (tlp) {
    case 'CLEAR':
      return 'WHITE';
    case 'AMBER+STRICT':
      if (strictAmber === 'red') return 'RED';
      throw new Invalid('tlp', 'TLP:AMBER+STRICT cannot be expressed in CSAF 2.0 (AMBER would widen it); ask with raise=red to export it labelled RED');
    default:
      return tlp;
  }
}

export function tlpOfCsafLabel(label: CsafTlpLabel): Tlp {
  return label === 'WHITE' ? 'CLEAR' : label;
}

export function isCsafTlpLabel(value: unknown): value is CsafTlpLabel {
  return typeof value === 'string' && (CSAF_TLP_LABELS as readonly string[]).includes(value);
}

/** The TLP an import is stored under: the caller's choice when it is at least as strict as the
 *  document's label; the document's label otherwise; AMBER for a document without one (an unlabelled
 *  document is not known to be public). */
export function importedTlp(label: CsafTlpLabel | undefined, requested: Tlp | undefined): Tlp {
  const labelled = label === undefined ? undefined : tlpOfCsafLabel(label);
  if (requested === undefined) return labelled ?? 'AMBER';
  if (labelled !== undefined && tlpRank(requested) < tlpRank(labelled)) {
    throw new Invalid('tlp', `the document is labelled TLP:${label}; importing it as TLP:${requested} would widen who may receive it`);
  }
  return requested;
}
