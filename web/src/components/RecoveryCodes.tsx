// Recovery codes, shown once after they are generated.
import { useMemo } from 'react';
import { CopyButton } from './CopyButton.tsx';

export function RecoveryCodesPanel({ codes, onDone }: { codes: readonly string[]; onDone(): void }) {
  const text = codes.join('\n');
  const download = useMemo(() => `data:text/plain;charset=utf-8,${encodeURIComponent(`Sanad recovery codes\n\n${text}\n`)}`, [text]);
  return (
    <div className="card card-emphasis" role="region" aria-labelledby="recovery-title">
      <h3 id="recovery-title">Your recovery codes</h3>
      <p>
        Each code lets you log in once if you lose your authenticator. Store them somewhere safe now:{' '}
        <strong>they are shown only this once.</strong>
      </p>
      <ul className="recovery-codes" aria-label="Recovery codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      <div className="actions">
        <CopyButton text={text} label="Copy codes" />
        <a className="button-link button-secondary" href={download} download="sanad-recovery-codes.txt">
          Download as text
        </a>
        <button type="button" onClick={onDone}>
          I have stored the codes
        </button>
      </div>
    </div>
  );
}
