import { useTestApp } from './support/test-app';
import { useMailedApp } from './support/mailed-app';
import { uniqueEmail } from './support/unique';

/**
 * Problem answers follow Accept-Language (English and Spanish): `title`, `detail` and field
 * messages are translated, `code` and `type` are not, and Content-Language names the language.
 */
describe('the language of problem answers', () => {
  const api = useTestApp();
  const inLanguage = (language: string) => ({ headers: { 'accept-language': language } });

  it('answers a missing token in Spanish, with the same code as in English', async () => {
    const english = await api.get('/users');
    const spanish = await api.get('/users', inLanguage('es'));
    expect(english.status).toBe(401);
    expect(english.headers.get('content-language')).toBe('en');
    expect(english.body).toMatchObject({ title: 'Unauthorized', detail: 'A valid access token is required.', code: 'UNAUTHORIZED' });
    expect(spanish.status).toBe(401);
    expect(spanish.headers.get('content-language')).toBe('es');
    expect(spanish.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(spanish.body).toEqual({
      type: english.body.type,
      title: 'No autorizado',
      status: 401,
      detail: 'Se necesita un token de acceso válido.',
      code: 'UNAUTHORIZED',
    });
    // The challenge is the same in every language.
    expect(spanish.headers.get('www-authenticate')).toBe(english.headers.get('www-authenticate'));
  });

  it('translates field messages, and the detail of a single one', async () => {
    const body = { email: 'not-an-email', password: 'correct-horse-battery-staple', name: 'Ana' };
    const spanish = await api.post('/auth/register', { body, ...inLanguage('es') });
    expect(spanish.status).toBe(400);
    expect(spanish.headers.get('content-language')).toBe('es');
    const message =
      'email debe ser una dirección de correo válida, con un nombre ASCII antes de la @ y un dominio en un solo alfabeto.';
    expect(spanish.body).toEqual({
      type: '/problems/validation-failed',
      title: 'Solicitud incorrecta',
      status: 400,
      detail: message,
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'email', message }],
    });
  });

  it('translates the catalogue detail of several field errors, and an unknown field by name', async () => {
    const several = await api.post('/auth/register', { body: { email: 'x', password: 'short', name: '' }, ...inLanguage('es') });
    expect(several.body).toMatchObject({ code: 'VALIDATION_FAILED', detail: 'La solicitud tiene campos no válidos.' });
    expect(several.body.errors).toContainEqual({ field: 'password', message: 'password debe tener entre 8 y 72 bytes de texto UTF-8, sin NUL.' });
    const unknown = await api.post('/auth/register', {
      body: { email: uniqueEmail('es'), password: 'correct-horse-battery-staple', name: 'Ana', nickname: 'x' },
      ...inLanguage('es'),
    });
    expect(unknown.body).toMatchObject({ detail: 'nickname no es un campo de esta solicitud.', errors: [{ field: 'nickname' }] });
  });

  it("takes es-MX as Spanish, and a listed preference's order", async () => {
    for (const header of ['es-MX', 'es-419,es;q=0.9', 'fr-FR, es;q=0.5, en;q=0.1']) {
      const answer = await api.post('/auth/login', { body: { email: uniqueEmail('nobody'), password: 'wrong-password-1' }, ...inLanguage(header) });
      expect({ header, status: answer.status, language: answer.headers.get('content-language') }).toEqual({ header, status: 401, language: 'es' });
      expect(answer.body).toMatchObject({ title: 'No autorizado', detail: 'El correo electrónico o la contraseña no son correctos.', code: 'INVALID_CREDENTIALS' });
    }
  });

  it('answers a language it does not speak in English, saying so', async () => {
    for (const header of ['fr', 'de-DE, pt;q=0.8', '*', 'es;q=0, en;q=0.1', ';;;=']) {
      const answer = await api.get('/no-such-route', inLanguage(header));
      expect({ header, language: answer.headers.get('content-language') }).toEqual({ header, language: 'en' });
      expect(answer.body).toMatchObject({ status: 404, title: 'Not Found', detail: 'Cannot GET /no-such-route', code: 'NOT_FOUND' });
    }
  });

  it("translates Fastify's and the router's refusals too", async () => {
    const malformed = await api.post('/auth/login', { body: '{"email":', ...inLanguage('es') });
    expect(malformed.body).toMatchObject({ code: 'MALFORMED_JSON', title: 'Solicitud incorrecta', detail: 'El cuerpo de la solicitud no es JSON válido.' });
    const noRoute = await api.get('/no-such-route', inLanguage('es'));
    expect(noRoute.body).toMatchObject({ code: 'NOT_FOUND', title: 'No encontrado', detail: 'No hay ninguna ruta para GET /no-such-route' });
    const badUrl = await api.get('/users/%zz', inLanguage('es'));
    expect(badUrl.status).toBe(400);
    expect(badUrl.headers.get('content-language')).toBe('es');
    expect(badUrl.body).toMatchObject({ code: 'VALIDATION_FAILED', detail: 'La URL no es válida.' });
  });

  it('says Vary: Accept-Language on a problem, and nothing about languages on a success', async () => {
    const problem = await api.get('/users', inLanguage('es'));
    expect(problem.headers.get('vary')).toMatch(/accept-language/i);
    const live = await api.get('/health', inLanguage('es'));
    expect(live.status).toBe(200);
    expect(live.headers.get('content-language')).toBeNull();
  });
});

/** Mails go out in the account's language, whatever language the request that sends them prefers. */
describe('the language of mails', () => {
  const { api, sink } = useMailedApp();

  it("writes a Spanish account's mails in Spanish, and an English account's in English", async () => {
    const spanish = await api.post('/auth/register', {
      body: { email: uniqueEmail('es-mail'), password: 'Plum-Orbit-42', name: 'Ana' },
      headers: { 'accept-language': 'es-ES,es;q=0.9' },
    });
    expect(spanish.body.user.locale).toBe('es');
    const verification = await sink().nextMail(spanish.body.user.email, 'Confirma tu dirección de correo');
    expect(verification.text).toMatch(/^Hola/);
    expect(verification.text).toContain('24 horas');

    // A reset asked in English still goes out in the account's language.
    const forgot = await api.post('/auth/password/forgot', {
      body: { email: spanish.body.user.email },
      headers: { 'accept-language': 'en' },
    });
    expect(forgot.status).toBe(202);
    const reset = await sink().nextMail(spanish.body.user.email, 'Restablece tu contraseña');
    expect(reset.text).toContain('1 hora');

    const english = await api.register({ email: uniqueEmail('en-mail') });
    expect(english.user.locale).toBe('en');
    const mail = await sink().nextMail(english.user.email, 'Confirm your email address');
    expect(mail.text).toContain('24 hours');

    // The account changes its language: its next mail follows.
    await api.put('/users', { token: english.token, body: { locale: 'es' } });
    await api.post('/auth/verify-email/request', { token: english.token });
    await sink().nextMail(english.user.email, 'Confirma tu dirección de correo');
  });

  it("writes an email change's mails in the account's language, to the new address too", async () => {
    const email = uniqueEmail('es-change');
    const { token: access, password } = await api.register({ email, locale: 'es', name: 'Ana' });
    const verify = await sink().nextMail(email, 'Confirma tu dirección de correo');
    expect((await api.post('/auth/verify-email', { body: { token: sink().linkToken(verify) } })).status).toBe(200);

    const next = uniqueEmail('es-new');
    const asked = await api.put('/users', { token: access, body: { email: next, current_password: password }, headers: { 'accept-language': 'en' } });
    expect(asked.status).toBe(200);
    // An address nobody proved yet: no name, but the account's language.
    const confirm = await sink().nextMail(next, 'Confirma tu nueva dirección de correo');
    expect(confirm.text).toMatch(/^Hola:\n/);
    const notice = await sink().nextMail(email, 'Se está cambiando tu dirección de correo');
    expect(notice.text).toMatch(/^Hola, Ana:\n/);
    expect(notice.text).toContain(next);
  });

  it("answers a locale that is not one in the request's language", async () => {
    const refused = await api.post('/auth/register', {
      body: { email: uniqueEmail('fr'), password: 'Plum-Orbit-42', name: 'Ana', locale: 'fr' },
      headers: { 'accept-language': 'es' },
    });
    expect(refused.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'locale', message: 'locale debe ser "en" o "es".' }] });
  });
});
