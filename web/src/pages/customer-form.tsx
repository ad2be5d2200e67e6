// Create or edit a customer: name, e-mail domains and subject keywords, with a live preview of how many synced
// meetings the rules would match (POST /api/customers/preview) and the server's validation errors at their field.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { api, ApiError, type ResponseOf } from '../api/client';
import { ErrorBox, FieldError, fieldErrorProps } from '../components/error-box';
import { dateTime } from '../format';
import { invalidateApi } from '../query';
import { Link, navigate } from '../router';
import { announce } from '../shell/announce';
import './customers.css';

type Customer = ResponseOf<'/api/customers/{id}', 'get'>;
type Preview = ResponseOf<'/api/customers/preview', 'post'>;
type Field = 'name' | 'domains' | 'subjectPatterns';

/** One entry per line or comma (domains), per line (keywords: a keyword may hold a comma in a /regex/). */
const splitDomains = (s: string): string[] =>
  s
    .split(/[\n,;\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);
const splitLines = (s: string): string[] =>
  s
    .split('\n')
    .map((x) => x.trim())
    .filter(Boolean);

/**
 * The field an API error is about, and what to say there: the service's `details.field`, or the first segment of a
 * schema problem's path (`body/domains/0` → domains). Null when it is not about one field.
 */
export function fieldOf(e: unknown): { field: Field; message: string } | null {
  if (!(e instanceof ApiError)) return null;
  const d = e.details ?? {};
  let field = typeof d.field === 'string' ? d.field : null;
  if (!field && Array.isArray(d.problems)) {
    const path = String((d.problems[0] as { path?: string } | undefined)?.path ?? '');
    field = path.split('/').filter(Boolean)[1] ?? null;
  }
  if (field !== 'name' && field !== 'domains' && field !== 'subjectPatterns') return null;
  if (e.code === 'unsafe_pattern')
    return { field, message: `This keyword or pattern cannot be used: ${e.message.replace(/\.$/, '')}.` };
  if (field === 'domains') {
    const bad = Array.isArray(d.invalid) ? (d.invalid as string[]) : [];
    return {
      field,
      message: bad.length
        ? `Not an e-mail domain: ${bad.join(', ')}. Enter domains like acmecorp.com.`
        : 'Enter e-mail domains like acmecorp.com.',
    };
  }
  if (field === 'name') return { field, message: 'Enter the customer’s name (at most 200 characters).' };
  return { field, message: 'Each keyword must have 1 to 200 characters.' };
}

const REASON_WORDS = { domain: 'domain', stakeholder: 'stakeholder', subject: 'keyword' } as const;

function PreviewBox({
  preview,
  pending,
  invalid,
  failed,
}: {
  preview: Preview | null;
  pending: boolean;
  invalid: boolean;
  failed: boolean;
}) {
  let text: string;
  if (invalid) text = 'Fix the highlighted field to see which meetings would match.';
  else if (failed) text = 'The preview is not available right now; you can still save.';
  else if (!preview)
    text = pending ? 'Counting matching meetings…' : 'Add a domain or a keyword to see matching meetings.';
  else {
    const parts = (['domain', 'stakeholder', 'subject'] as const)
      .filter((r) => preview.byReason[r] > 0)
      .map((r) => `${preview.byReason[r]} by ${REASON_WORDS[r]}`);
    text =
      `Would match ${preview.matches}${preview.capped ? '+' : ''} synced meeting${preview.matches === 1 ? '' : 's'}` +
      (parts.length ? ` (${parts.join(', ')})` : '') +
      '.';
    if (preview.keptByHand > 0)
      text += ` ${preview.keptByHand} more match but were set by hand to another customer or none, and stay so.`;
  }
  return (
    <section className="rules-preview" aria-labelledby="preview-h">
      <h2 id="preview-h" className="sr-only">
        Preview
      </h2>
      <p role="status" aria-live="polite" data-testid="rules-preview">
        {text}
      </p>
      {preview && !invalid && preview.sample.length > 0 && (
        <ul aria-label="Newest matching meetings">
          {preview.sample.map((m) => (
            <li key={m.id}>
              <span className="when">{dateTime(m.start)}</span> {m.subject || '(no subject)'}{' '}
              <span className="reason">{REASON_WORDS[m.reason]}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The form; `customer` given: edit it (PATCH), else create (POST) and open the new customer. */
export function CustomerForm({ customer }: { customer?: Customer }) {
  const id = useId();
  const [name, setName] = useState(customer?.name ?? '');
  const [domains, setDomains] = useState((customer?.domains ?? []).join('\n'));
  const [patterns, setPatterns] = useState((customer?.subjectPatterns ?? []).join('\n'));
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [previewPending, setPreviewPending] = useState(false);
  const [previewInvalid, setPreviewInvalid] = useState(false);
  const [previewFailed, setPreviewFailed] = useState(false);

  // The live preview: 300 ms after the rules stop changing; an older answer never overwrites a newer one.
  useEffect(() => {
    const d = splitDomains(domains);
    const p = splitLines(patterns);
    if (d.length === 0 && p.length === 0) {
      setPreview(null);
      setPreviewInvalid(false);
      setErrors((e) => ({ ...e, domains: undefined, subjectPatterns: undefined }));
      return;
    }
    const ctl = new AbortController();
    setPreviewPending(true);
    const timer = window.setTimeout(() => {
      api
        .post('/api/customers/preview', {
          body: { domains: d, subjectPatterns: p, ...(customer ? { customerId: customer.id } : {}) },
          signal: ctl.signal,
        })
        .then(
          (r) => {
            setPreview(r);
            setPreviewInvalid(false);
            setPreviewFailed(false);
            setPreviewPending(false);
            setErrors((e) => ({ ...e, domains: undefined, subjectPatterns: undefined }));
          },
          (e: unknown) => {
            if (ctl.signal.aborted) return;
            setPreviewPending(false);
            const f = fieldOf(e);
            if (f) {
              setPreviewInvalid(true);
              setErrors((x) => ({ ...x, domains: undefined, subjectPatterns: undefined, [f.field]: f.message }));
            } else setPreviewFailed(true);
          },
        );
    }, 300);
    return () => {
      ctl.abort();
      window.clearTimeout(timer);
    };
  }, [domains, patterns, customer]);

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setFailure(null);
    if (!name.trim()) {
      setErrors((e) => ({ ...e, name: 'Enter the customer’s name.' }));
      document.getElementById(`${id}-name`)?.focus();
      return;
    }
    setSaving(true);
    const body = { name: name.trim(), domains: splitDomains(domains), subjectPatterns: splitLines(patterns) };
    try {
      const saved = customer
        ? await api.patch('/api/customers/{id}', { params: { id: customer.id }, body })
        : await api.post('/api/customers', { body });
      await invalidateApi('/api/customers', '/api/meetings');
      announce(customer ? `${saved.name} saved.` : `${saved.name} created.`);
      navigate(`/customers/${saved.id}`);
    } catch (e) {
      const f = fieldOf(e);
      if (f) {
        setErrors((x) => ({ ...x, [f.field]: f.message }));
        document.getElementById(`${id}-${f.field}`)?.focus();
      } else setFailure(e);
    } finally {
      setSaving(false);
    }
  };

  const input = (field: Field) => ({ id: `${id}-${field}`, ...fieldErrorProps(`${id}-${field}`, errors[field]) });
  return (
    <form className="customer-form card" onSubmit={(e) => void submit(e)} noValidate>
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          {...input('name')}
          value={name}
          autoComplete="organization"
          maxLength={200}
          onChange={(e) => {
            setName(e.target.value);
            setErrors((x) => ({ ...x, name: undefined }));
          }}
        />
        <FieldError field={`${id}-name`} message={errors.name} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-domains`}>E-mail domains</label>
        <span className="hint" id={`${id}-domains-hint`}>
          One per line or separated by commas, like acmecorp.com. Subdomains match too.
        </span>
        <textarea
          {...input('domains')}
          aria-describedby={[`${id}-domains-hint`, errors.domains ? `${id}-domains-error` : ''].join(' ').trim()}
          value={domains}
          onChange={(e) => setDomains(e.target.value)}
        />
        <FieldError field={`${id}-domains`} message={errors.domains} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-subjectPatterns`}>Subject keywords</label>
        <span className="hint" id={`${id}-subjectPatterns-hint`}>
          One per line. A word or phrase matches whole words in any case; write /…/ for a regular expression.
        </span>
        <textarea
          {...input('subjectPatterns')}
          aria-describedby={[`${id}-subjectPatterns-hint`, errors.subjectPatterns ? `${id}-subjectPatterns-error` : '']
            .join(' ')
            .trim()}
          value={patterns}
          onChange={(e) => setPatterns(e.target.value)}
        />
        <FieldError field={`${id}-subjectPatterns`} message={errors.subjectPatterns} />
      </div>
      <PreviewBox preview={preview} pending={previewPending} invalid={previewInvalid} failed={previewFailed} />
      {failure !== null && <ErrorBox error={failure} />}
      <div className="actions">
        <button type="submit" className="primary" disabled={saving}>
          {customer ? 'Save changes' : 'Create customer'}
        </button>
        <Link className="button" to={customer ? `/customers/${customer.id}` : '/customers'}>
          Cancel
        </Link>
      </div>
    </form>
  );
}
