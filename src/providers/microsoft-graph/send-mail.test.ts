// Graph sendMail: the request Graph documents, and errors mapped to stable codes.
import { describe, expect, it } from 'vitest';
import type { HttpRequest, HttpResponse } from '../decorators/http.js';
import { createGraphMailSender } from './send-mail.js';

function recording(status: number, body: unknown = null) {
  const requests: HttpRequest[] = [];
  const transport = async (req: HttpRequest): Promise<HttpResponse> => {
    requests.push(req);
    return { status, headers: new Headers(), body };
  };
  return { requests, transport };
}

const message = { to: ['adele@contoso.com'], subject: 'Prep: QBR', html: '<p>Hi</p>', text: 'Hi' };

describe('Graph mail sender', () => {
  it('posts the message to /users/{mailbox}/sendMail with the bearer token', async () => {
    const t = recording(202);
    const sender = createGraphMailSender({
      graphBaseUrl: 'https://graph.example.test',
      transport: t.transport,
      token: async () => 'tok',
      mailbox: 'adele@contoso.com',
    });
    await sender.sendMail(message);
    expect(t.requests).toHaveLength(1);
    const [req] = t.requests;
    expect(req).toMatchObject({
      method: 'POST',
      url: 'https://graph.example.test/v1.0/users/adele%40contoso.com/sendMail',
    });
    expect(req!.headers.Authorization).toBe('Bearer tok');
    expect(JSON.parse(req!.body!)).toEqual({
      message: {
        subject: 'Prep: QBR',
        body: { contentType: 'HTML', content: '<p>Hi</p>' },
        toRecipients: [{ emailAddress: { address: 'adele@contoso.com' } }],
      },
      saveToSentItems: true,
    });
  });

  it('maps a Graph error to an AppError with a stable code', async () => {
    const t = recording(403, { error: { code: 'ErrorAccessDenied', message: 'Access is denied.' } });
    const sender = createGraphMailSender({
      graphBaseUrl: 'https://graph.example.test',
      transport: t.transport,
      token: async () => 'tok',
      mailbox: 'adele@contoso.com',
    });
    await expect(sender.sendMail(message)).rejects.toMatchObject({ name: 'AppError', code: 'permission_denied' });
  });
});
