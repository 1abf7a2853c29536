import { useState, type FormEvent } from 'react';

/** A one-field search: the list below changes only when the form is submitted (or cleared). */
export function SearchForm({ id, label, query, onSearch }: { id: string; label: string; query: string; onSearch(query: string): void }) {
  const [draft, setDraft] = useState(query);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    onSearch(draft.trim());
  };
  return (
    <form className="search" role="search" onSubmit={submit}>
      <label htmlFor={id}>{label}</label>
      <input id={id} type="search" value={draft} onChange={(e) => setDraft(e.target.value)} />
      <button type="submit">Search</button>
      {query ? (
        <button
          type="button"
          className="button-secondary"
          onClick={() => {
            setDraft('');
            onSearch('');
          }}
        >
          Clear
        </button>
      ) : null}
    </form>
  );
}
