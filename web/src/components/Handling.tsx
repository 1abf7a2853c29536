// Handling markings: TLP 2.0 and PAP labels in FIRST's colours (on black), and distribution names.

const COLOURS: Readonly<Record<string, string>> = {
  RED: 'red',
  AMBER: 'amber',
  'AMBER+STRICT': 'amber',
  GREEN: 'green',
  CLEAR: 'clear',
  WHITE: 'clear',
};

function Marking({ scheme, level }: { scheme: 'TLP' | 'PAP'; level: string }) {
  const upper = level.toUpperCase();
  const colour = COLOURS[upper] ?? 'clear';
  return (
    <span className={`marking marking-${colour}`} title={`${scheme}:${upper}`}>
      {scheme}:{upper}
    </span>
  );
}

export function TlpBadge({ tlp }: { tlp: string }) {
  return <Marking scheme="TLP" level={tlp} />;
}

export function PapBadge({ pap }: { pap: string }) {
  return <Marking scheme="PAP" level={pap} />;
}

const DISTRIBUTION_LABELS: Readonly<Record<string, string>> = {
  organisation: 'Your organisation only',
  sharing_group: 'Sharing group',
  community: 'This node’s community',
  federation: 'Federation (connected nodes)',
};

export function distributionLabel(distribution: string): string {
  return DISTRIBUTION_LABELS[distribution] ?? distribution;
}

/** A warninglist hit: the value is probably a false positive. */
export function WarningFlag({ lists }: { lists: string | null }) {
  if (!lists) return null;
  return (
    <span className="warning-flag" title={`On warninglist: ${lists}`}>
      <span aria-hidden="true">⚑ </span>
      On warninglist: {lists}
    </span>
  );
}

export function TagList({ tags }: { tags: readonly string[] }) {
  if (!tags.length) return <span className="muted">No tags</span>;
  return (
    <ul className="tag-list" aria-label="Tags">
      {tags.map((t) => (
        <li key={t} className="tag">
          {t}
        </li>
      ))}
    </ul>
  );
}
