// The public report form at /report: anyone can report an incident without an account. The answer
// is a reference and a secret with which the reporter (and only they) can follow the report.
import { useState, type FormEvent } from 'react';
import { api, type ApiError, type ReportReceipt, type ReportStatus } from '../api.ts';
import { ErrorAlert } from '../components/Alert.tsx';
import { CopyButton } from '../components/CopyButton.tsx';
import { SelectField, TextAreaField, TextField } from '../components/Field.tsx';
import { formErrors } from '../components/formErrors.ts';
import { asApiError } from '../hooks.ts';

// RSIT classes in words a member of the public recognises; the responsible team refines them.
const KINDS = [
  { value: '', label: 'I am not sure' },
  { value: 'fraud', label: 'Fraud or phishing' },
  { value: 'malicious-code', label: 'Malware or infected computers' },
  { value: 'availability', label: 'Service outage or denial of service' },
  { value: 'intrusions', label: 'Break-in to a system or account' },
  { value: 'information-content-security', label: 'Data leak or unauthorised access to data' },
  { value: 'abusive-content', label: 'Spam or abusive content' },
  { value: 'vulnerable', label: 'A vulnerable system' },
  { value: 'information-gathering', label: 'Scanning or probing' },
  { value: 'intrusion-attempts', label: 'Attempts to break in' },
];

const FIELDS = ['name', 'email', 'title', 'description', 'classification', 'observables'] as const;

function StatusCheck({ initialToken }: { initialToken: string }) {
  const [token, setToken] = useState(initialToken);
  const [status, setStatus] = useState<ReportStatus | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const check = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    try {
      setStatus(await api.reportStatus(token.trim()));
    } catch (err) {
      setStatus(null);
      setError(asApiError(err));
    }
  };
  return (
    <section aria-labelledby="report-status-title">
      <h2 id="report-status-title">Follow a report</h2>
      <form onSubmit={(e) => void check(e)} noValidate>
        <TextField id="report-token" label="Tracking code" value={token} onValue={setToken} autoComplete="off" spellCheck={false} dir="ltr" className="mono" />
        <div className="actions">
          <button type="submit" className="button-secondary">
            Check status
          </button>
        </div>
      </form>
      <ErrorAlert error={error} />
      {status ? (
        <p role="status">
          Report <strong>{status.reference}</strong>: {status.status.replace('_', ' ')} (received {new Date(status.receivedAt).toLocaleString()}, last updated{' '}
          {new Date(status.updatedAt).toLocaleString()}).
        </p>
      ) : null}
    </section>
  );
}

export function ReportPage() {
  const [form, setForm] = useState({ name: '', email: '', title: '', description: '', classification: '', observables: '', website: '' });
  const [error, setError] = useState<ApiError | null>(null);
  const [receipt, setReceipt] = useState<ReportReceipt | null>(null);
  const [busy, setBusy] = useState(false);
  const errors = formErrors(error, FIELDS);
  const set = (key: keyof typeof form) => (value: string) => setForm({ ...form, [key]: value });

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const observables = form.observables
        .split(/\r?\n/)
        .map((v) => v.trim())
        .filter(Boolean)
        .map((value) => ({ value }));
      setReceipt(
        await api.submitReport({
          name: form.name,
          email: form.email,
          title: form.title,
          ...(form.description ? { description: form.description } : {}),
          ...(form.classification ? { classification: form.classification } : {}),
          ...(observables.length ? { observables } : {}),
          ...(form.website ? { website: form.website } : {}),
        }),
      );
    } catch (err) {
      const apiError = asApiError(err);
      setError(apiError);
      const target = formErrors(apiError, FIELDS).field;
      if (target) document.getElementById(`report-${target}`)?.focus();
    } finally {
      setBusy(false);
    }
  };

  if (receipt) {
    return (
      <section aria-labelledby="report-done-title">
        <h1 id="report-done-title">Thank you: your report was received</h1>
        <p role="status">
          Its reference is <strong>{receipt.reference}</strong>. It was passed to {receipt.routedTo.join(', ')}, who may contact you by e-mail.
        </p>
        <p>
          Keep this tracking code to follow your report. It is shown only once and nobody else can use it to see your report:
        </p>
        <p>
          <code className="mono" id="report-tracking-code">
            {receipt.trackingToken}
          </code>{' '}
          <CopyButton text={receipt.trackingToken} />
        </p>
        <StatusCheck key="receipt" initialToken={receipt.trackingToken} />
      </section>
    );
  }

  return (
    <section aria-labelledby="report-form-heading">
      <h1 id="report-form-heading">Report a cyber security incident</h1>
      <p>Tell the consortium's national teams what happened. You need no account; the report goes to the team responsible for the addresses you name.</p>
      <ErrorAlert error={errors.banner} />
      <form onSubmit={(e) => void submit(e)} noValidate>
        <TextField id="report-name" label="Your name" value={form.name} onValue={set('name')} error={errors.of('name')} required autoComplete="name" />
        <TextField id="report-email" label="Your e-mail address" type="email" value={form.email} onValue={set('email')} error={errors.of('email')} required autoComplete="email" dir="ltr" />
        <TextField id="report-title" label="What happened, in a few words" value={form.title} onValue={set('title')} error={errors.of('title')} required />
        <SelectField id="report-classification" label="What kind of incident is it?" value={form.classification} onValue={set('classification')} options={KINDS} error={errors.of('classification')} />
        <TextAreaField id="report-description" label="Details" hint="When it started, what you saw, what was affected." value={form.description} onValue={set('description')} error={errors.of('description')} rows={6} />
        <TextAreaField
          id="report-observables"
          label="Addresses involved"
          hint="One per line: web addresses, IP addresses, domains, e-mail senders. Defanged forms (hxxp://, [.]) are fine."
          value={form.observables}
          onValue={set('observables')}
          error={errors.of('observables')}
          rows={4}
          className="mono"
          spellCheck={false}
          autoCapitalize="off"
          dir="ltr"
        />
        {/* Left empty by people; filled in by robots, whose reports are refused. */}
        <div className="visually-hidden" aria-hidden="true">
          <label htmlFor="report-website">Website</label>
          <input id="report-website" tabIndex={-1} autoComplete="off" value={form.website} onChange={(e) => set('website')(e.target.value)} />
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Sending…' : 'Send report'}
          </button>
        </div>
      </form>
      <StatusCheck initialToken="" />
    </section>
  );
}
