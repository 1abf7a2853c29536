// Create an event, with its indicators pasted in bulk ("type value", one per line).
import { useEffect, useState, type FormEvent } from 'react';
import { api, DISTRIBUTIONS, PAP_LEVELS, TLP_LEVELS, type ApiError, type Distribution, type NewEvent, type NewIndicator, type Pap, type Tlp } from '../api.ts';
import { ErrorAlert } from '../components/Alert.tsx';
import { SelectField, TextAreaField, TextField } from '../components/Field.tsx';
import { formErrors, normaliseField } from '../components/formErrors.ts';
import { distributionLabel } from '../components/Handling.tsx';
import { asApiError, useLoad } from '../hooks.ts';
import { Link, navigate } from '../router.tsx';

interface EventForm {
  info: string;
  tlp: Tlp;
  pap: Pap;
  distribution: Distribution;
  sharingGroupId: string;
  tags: string;
  indicators: string;
}

const EMPTY: EventForm = { info: '', tlp: 'AMBER', pap: 'AMBER', distribution: 'community', sharingGroupId: '', tags: '', indicators: '' };

const FIELDS = ['info', 'tlp', 'pap', 'distribution', 'sharingGroupId', 'tags', 'indicators'] as const;

const fieldId = (key: string): string => `event-${key}`;

/** An indicator parsed from the paste, with the line (1-based) it came from. */
interface PastedIndicator {
  line: number;
  indicator: NewIndicator;
}

interface Parsed {
  items: PastedIndicator[];
  /** Lines that are not "type value". */
  bad: { line: number; text: string }[];
}

/** "ip-dst 192.0.2.1", "url: hxxp://evil[.]example/x" → { type, value }; blank lines and '#' comments are skipped. */
function parseIndicatorLines(text: string): Parsed {
  const parsed: Parsed = { items: [], bad: [] };
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = /^(\S+?):?\s+(\S.*)$/.exec(line);
    const type = m?.[1]?.trim();
    const value = m?.[2]?.trim();
    if (!type || !value) parsed.bad.push({ line: i + 1, text: line });
    else parsed.items.push({ line: i + 1, indicator: { type, value } });
  });
  return parsed;
}

const lines = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');

const clip = (s: string, n = 80): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function describeBadLines(bad: Parsed['bad']): string {
  const shown = bad.slice(0, 5).map((b) => `line ${b.line} (“${clip(b.text)}”)`);
  const more = bad.length > 5 ? ` and ${bad.length - 5} more` : '';
  const subject = bad.length === 1 ? 'Line' : 'Lines';
  return `${subject} not of the form “type value”: ${shown.join(', ')}${more}. Write the indicator type, a space, then the value.`;
}

/** A server error on indicators[i]… named by the pasted line it came from. */
function indicatorMessage(err: ApiError, items: readonly PastedIndicator[]): string | undefined {
  if (!err.field) return undefined;
  const m = /^indicators\.(\d+)(?:\.(\w+))?/.exec(normaliseField(err.field));
  if (!m) return undefined;
  const index = Number(m[1]);
  const pasted = items[index];
  const reason = err.reason ?? (err.detail.startsWith(`${err.field}: `) ? err.detail.slice(err.field.length + 2) : err.detail);
  const where = pasted ? `Line ${pasted.line} (“${clip(`${pasted.indicator.type} ${pasted.indicator.value}`)}”)` : `Indicator ${index + 1}`;
  const part = m[2] && m[2] !== 'value' ? ` ${m[2]}` : '';
  return `${where}${part}: ${reason}`;
}

export function NewEventPage() {
  const [form, setForm] = useState<EventForm>(EMPTY);
  const [error, setError] = useState<ApiError | null>(null);
  const [pasteError, setPasteError] = useState<string | null>(null);
  const [sent, setSent] = useState<PastedIndicator[]>([]);
  const [busy, setBusy] = useState(false);
  const groups = useLoad(() => api.sharingGroups().then((r) => r.items), []);
  const errs = formErrors(error, FIELDS);
  const indicatorsError = pasteError ?? (error && errs.field === 'indicators' ? (indicatorMessage(error, sent) ?? errs.of('indicators')) : undefined);
  const invalidField = pasteError ? 'indicators' : errs.field;

  // Focus the control that needs correcting.
  useEffect(() => {
    if (invalidField) document.getElementById(fieldId(invalidField))?.focus();
  }, [error, pasteError, invalidField]);

  const set =
    <K extends keyof EventForm>(key: K) =>
    (value: EventForm[K]): void =>
      setForm((f) => ({ ...f, [key]: value }));

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    const parsed = parseIndicatorLines(form.indicators);
    if (parsed.bad.length) {
      setPasteError(describeBadLines(parsed.bad));
      return;
    }
    setPasteError(null);
    const input: NewEvent = {
      info: form.info.trim(),
      tlp: form.tlp,
      pap: form.pap,
      distribution: form.distribution,
      tags: lines(form.tags),
      indicators: parsed.items.map((p) => p.indicator),
    };
    if (form.distribution === 'sharing_group' && form.sharingGroupId) input.sharingGroupId = form.sharingGroupId;
    setSent(parsed.items);
    setBusy(true);
    try {
      const created = await api.createEvent(input);
      navigate(`/events/${encodeURIComponent(created.id)}`);
    } catch (err) {
      setError(asApiError(err));
      setBusy(false);
    }
  };

  const groupOptions = [
    { value: '', label: groups.loading ? 'Loading…' : 'Choose a sharing group' },
    ...(groups.data ?? []).map((g) => ({ value: g.id, label: `${g.name} (${g.members.length} ${g.members.length === 1 ? 'member' : 'members'})` })),
  ];
  const count = parseIndicatorLines(form.indicators).items.length;

  return (
    <section>
      <p className="breadcrumb">
        <Link to="/events">Intelligence</Link> / New event
      </p>
      <h1>New event</h1>
      <form onSubmit={(e) => void submit(e)} noValidate>
        {error ? (
          <ErrorAlert error={errs.banner}>{errs.banner ? null : <p>The event was not saved: please correct the marked field.</p>}</ErrorAlert>
        ) : pasteError ? (
          <ErrorAlert>
            <p>The event was not sent: some indicator lines need correcting.</p>
          </ErrorAlert>
        ) : null}

        <fieldset>
          <legend>Event</legend>
          <TextField
            id={fieldId('info')}
            label="Info"
            hint="One line saying what this is, e.g. “Phishing campaign against banks, March”."
            value={form.info}
            onValue={set('info')}
            error={errs.of('info')}
            required
            maxLength={4000}
            className="wide"
          />
          <TextAreaField
            id={fieldId('tags')}
            label="Tags"
            hint="One per line, e.g. ransomware or a machine tag such as circl:incident-classification=&quot;phishing&quot;. The TLP is set below."
            value={form.tags}
            onValue={set('tags')}
            error={errs.of('tags')}
            rows={3}
            spellCheck={false}
          />
        </fieldset>

        <fieldset>
          <legend>Handling</legend>
          <div className="grid">
            <SelectField
              id={fieldId('tlp')}
              label="TLP"
              hint="Who may receive it."
              value={form.tlp}
              onValue={(v) => set('tlp')(v as Tlp)}
              options={TLP_LEVELS.map((t) => ({ value: t, label: `TLP:${t}` }))}
              error={errs.of('tlp')}
              required
            />
            <SelectField
              id={fieldId('pap')}
              label="PAP"
              hint="What recipients may do with it."
              value={form.pap}
              onValue={(v) => set('pap')(v as Pap)}
              options={PAP_LEVELS.map((p) => ({ value: p, label: `PAP:${p}` }))}
              error={errs.of('pap')}
            />
            <SelectField
              id={fieldId('distribution')}
              label="Distribution"
              hint="Where Sanad sends it."
              value={form.distribution}
              onValue={(v) => set('distribution')(v as Distribution)}
              options={DISTRIBUTIONS.map((d) => ({ value: d, label: distributionLabel(d) }))}
              error={errs.of('distribution')}
              required
            />
            {form.distribution === 'sharing_group' ? (
              <SelectField
                id={fieldId('sharingGroupId')}
                label="Sharing group"
                hint={
                  groups.error
                    ? `The sharing groups could not be loaded: ${groups.error.detail}`
                    : groups.data && groups.data.length === 0
                      ? 'Your team belongs to no sharing group.'
                      : undefined
                }
                value={form.sharingGroupId}
                onValue={set('sharingGroupId')}
                options={groupOptions}
                error={errs.of('sharingGroupId')}
                required
              />
            ) : null}
          </div>
        </fieldset>

        <fieldset>
          <legend>Indicators</legend>
          <TextAreaField
            id={fieldId('indicators')}
            label="Indicators"
            hint={
              <>
                One per line: the type, a space, then the value, e.g. <code>ip-dst 192.0.2.1</code> or <code>url hxxp://evil[.]example/x</code>.
                Defanged values are accepted. Blank lines and lines starting with # are skipped.
              </>
            }
            value={form.indicators}
            onValue={(v) => {
              set('indicators')(v);
              if (pasteError) setPasteError(null);
            }}
            error={indicatorsError}
            rows={10}
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
            className="mono paste"
            dir="ltr"
          />
          <p className="hint">
            {count === 1 ? '1 indicator' : `${count} indicators`} ready.
          </p>
        </fieldset>

        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Creating…' : 'Create event'}
          </button>
          <Link to="/events">Cancel</Link>
        </div>
      </form>
    </section>
  );
}
