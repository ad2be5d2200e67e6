// Error states in plain words: the sentence and next step are visible, the code and request id only inside Details;
// field errors sit at their field.
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client';
import { ErrorBox, FieldError, fieldErrorProps } from './error-box';

/** The text a reader sees: everything except the contents of closed <details>. */
function visibleText(root: HTMLElement): string {
  const clone = root.cloneNode(true) as HTMLElement;
  clone.querySelectorAll('details:not([open])').forEach((d) => {
    [...d.childNodes].forEach((n) => {
      if (!(n instanceof HTMLElement && n.tagName === 'SUMMARY')) n.remove();
    });
  });
  return clone.textContent ?? '';
}

describe('ErrorBox', () => {
  it('says what happened and what to do, keeping the code and request id behind Details', () => {
    const retry = vi.fn();
    const { container } = render(
      <ErrorBox
        error={new ApiError(502, 'provider_error', 'Graph answered 503 ServiceUnavailable', 'req_abc000123')}
        retry={retry}
      />,
    );
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('The calendar provider answered with an error. Try again in a moment.');
    const seen = visibleText(container);
    expect(seen).not.toContain('provider_error');
    expect(seen).not.toContain('req_abc000123');
    expect(seen).toContain('Details');
    const details = container.querySelector('details')!;
    expect(details.open).toBe(false);
    expect(details.textContent).toContain('provider_error');
    expect(details.textContent).toContain('req_abc000123');
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(retry).toHaveBeenCalledOnce();
  });

  it('shows a feature the server does not have yet as a notice, without Retry', () => {
    render(<ErrorBox error={new ApiError(404, 'route_not_found', 'No route GET /api/x')} retry={() => undefined} />);
    expect(screen.getByRole('status').textContent).toContain('not available on this server yet');
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  it('never shows an unknown code', () => {
    const { container } = render(<ErrorBox error={new ApiError(409, 'no_tokens_found', 'No tokens found')} />);
    expect(visibleText(container)).not.toContain('no_tokens_found');
    expect(screen.getByRole('alert').textContent).toContain('Someone else changed this meanwhile.');
  });
});

describe('FieldError', () => {
  it('renders the message at the field and wires the input to it', () => {
    render(
      <label>
        Name
        <input {...fieldErrorProps('name', 'This field is required.')} />
        <FieldError field="name" message="This field is required." />
      </label>,
    );
    const input = screen.getByRole('textbox', { name: /Name/ });
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(input.getAttribute('aria-describedby')!)!.textContent).toBe(
      'This field is required.',
    );
  });

  it('renders nothing without a message', () => {
    const { container } = render(<FieldError field="name" message={null} />);
    expect(container.innerHTML).toBe('');
    expect(fieldErrorProps('name', null)).toEqual({});
  });
});
