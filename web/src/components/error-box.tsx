// How errors look: <ErrorBox> says what happened and what to do next in plain words (web/src/errors.ts), with the
// code, the server's message and the request id behind a "Details" disclosure for support. <FieldError> puts a form
// error at its field (wire the input with fieldErrorProps).
import { describeError } from '../errors';
import './error-box.css';

/** The technical side of an error, closed by default: what support needs (code, request id). */
export function ErrorDetails({
  code,
  requestId,
  detail,
}: {
  code: string | null;
  requestId: string | null;
  detail: string | null;
}) {
  if (!code && !requestId && !detail) return null;
  return (
    <details className="error-details">
      <summary>Details</summary>
      <dl>
        {code && (
          <>
            <dt>Code</dt>
            <dd>
              <code>{code}</code>
            </dd>
          </>
        )}
        {detail && (
          <>
            <dt>Message</dt>
            <dd>{detail}</dd>
          </>
        )}
        {requestId && (
          <>
            <dt>Request</dt>
            <dd>
              <code>{requestId}</code>
            </dd>
          </>
        )}
      </dl>
    </details>
  );
}

/** An error (or a "not available yet" notice) in plain words with its next step; Retry when given. */
export function ErrorBox({ error, retry }: { error: unknown; retry?: () => void }) {
  const d = describeError(error);
  return (
    <div className={d.notice ? 'notice error-box' : 'error error-box'} role={d.notice ? 'status' : 'alert'}>
      <p className="error-sentence">
        {d.sentence} <span className="error-next">{d.next}</span>
        {retry && !d.notice && (
          <>
            {' '}
            <button type="button" className="link" onClick={retry}>
              Retry
            </button>
          </>
        )}
      </p>
      <ErrorDetails code={d.code} requestId={d.requestId} detail={d.detail} />
    </div>
  );
}

/** The id of a field's error message, for aria-describedby. */
export const fieldErrorId = (field: string): string => `${field}-error`;

/** Props for the input of a field that may have an error: aria-invalid and aria-describedby. */
export function fieldErrorProps(field: string, message: string | null | undefined) {
  return message ? { 'aria-invalid': true as const, 'aria-describedby': fieldErrorId(field) } : {};
}

/** A form error at its field (renders nothing without a message). */
export function FieldError({ field, message }: { field: string; message: string | null | undefined }) {
  if (!message) return null;
  return (
    <span id={fieldErrorId(field)} className="field-error" data-testid={`field-error-${field}`}>
      {message}
    </span>
  );
}
