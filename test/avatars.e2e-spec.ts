import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { PurgeJob } from '../src/purge/purge.job';
import { bearer } from './support/api-client';
import { animatedGif, decompressionBomb, photoWithGps, png, SVG, upload } from './support/images';
import { streamBody } from './support/streamed-body';
import { ADMIN, useApp } from './support/test-app';

const BOUNDARY = 'avatar-test-boundary';

/** Profile pictures over HTTP: upload, replace, delete and serve, by the owner and by an admin. */
describe('profile pictures', () => {
  const { api, testApp } = useApp({ PURGE_INTERVAL_SECONDS: '0' });
  let admin: string;
  beforeAll(async () => {
    admin = await api.login(ADMIN.email, ADMIN.password);
  });

  const query = (sql: string, parameters: unknown[] = []) => testApp().app.get(DataSource).query(sql, parameters);
  const storedCount = async () => Number((await query('SELECT count(*)::int AS n FROM avatars'))[0].n);
  const NAME = /^\/avatars\/([0-9a-f]{64})\.webp$/;

  /** GET of a picture, its bytes as they came. */
  async function fetchPicture(path: string, headers: Record<string, string> = {}) {
    const response = await fetch(api.baseUrl + path, { headers });
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
  }

  describe('the owner', () => {
    it('uploads a photo: stored as WebP within 512 × 512, proportions kept, its GPS position and EXIF gone', async () => {
      const { token } = await api.register();
      const photo = await photoWithGps();
      expect((await sharp(photo).metadata()).exif?.includes('holiday at home')).toBe(true);

      const response = await api.put('/users/avatar', { token, body: upload(photo) });
      expect(response.status).toBe(200);
      expect(response.body.image_path).toMatch(NAME);
      expect(response.headers.get('etag')).toMatch(/^"\d+"$/);

      const served = await fetchPicture(response.body.image_path);
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('image/webp');
      const stored = await sharp(served.bytes).metadata();
      expect([stored.format, stored.width, stored.height]).toEqual(['webp', 512, 341]);
      expect([stored.exif, stored.xmp, stored.icc, stored.comments]).toEqual([undefined, undefined, undefined, undefined]);
      expect(served.bytes.includes('holiday')).toBe(false);
      expect((await api.get('/users', { token })).body.image_path).toBe(response.body.image_path);
    });

    it('serves a picture to anyone, cacheable for good, to other origins, with 304 for the ETag it has', async () => {
      const { token } = await api.register();
      const { body } = await api.put('/users/avatar', { token, body: upload(await png(300, 200), { type: 'image/png' }) });
      const [, hash] = NAME.exec(body.image_path)!;
      const served = await fetchPicture(body.image_path);
      expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(served.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      expect(served.headers.get('etag')).toBe(`"${hash}"`);
      expect(served.headers.get('x-content-type-options')).toBe('nosniff');

      const again = await fetchPicture(body.image_path, { 'if-none-match': `W/"other", "${hash}"` });
      expect([again.status, again.bytes.length, again.headers.get('etag')]).toEqual([304, 0, `"${hash}"`]);
      expect((await fetchPicture(body.image_path, { 'if-none-match': '"other"' })).status).toBe(200);
    });

    it('answers 404 for a name no picture has', async () => {
      for (const path of [`/avatars/${'a'.repeat(64)}.webp`, '/avatars/default.jpg', `/avatars/${'A'.repeat(64)}.webp`]) {
        const response = await api.get(path);
        expect([response.status, response.body.code]).toEqual([404, 'AVATAR_NOT_FOUND']);
        expect(response.headers.get('cache-control')).toBe('no-store');
      }
    });

    it('keeps the first frame of an animated GIF', async () => {
      const { token } = await api.register();
      const { body } = await api.put('/users/avatar', { token, body: upload(await animatedGif(), { type: 'image/gif' }) });
      const stored = await sharp((await fetchPicture(body.image_path)).bytes, { pages: -1 }).metadata();
      expect([stored.format, stored.pages ?? 1, stored.width, stored.height]).toEqual(['webp', 1, 60, 40]);
    });

    it('replaces and deletes: a picture no account shows any more goes at once, one shown stays', async () => {
      const { token } = await api.register();
      const first = (await api.put('/users/avatar', { token, body: upload(await png(64, 64, '#123456')) })).body.image_path;
      const second = (await api.put('/users/avatar', { token, body: upload(await png(64, 64, '#654321')) })).body.image_path;
      expect(second).not.toBe(first);
      expect((await fetchPicture(first)).status).toBe(404);
      // Another account shows the second picture too: the same bytes, one row.
      const other = await api.register();
      expect((await api.put('/users/avatar', { token: other.token, body: upload(await png(64, 64, '#654321')) })).body.image_path).toBe(second);

      const removed = await api.delete('/users/avatar', { token });
      expect([removed.status, removed.body.image_path]).toEqual([200, 'profile-pictures/default.jpg']);
      expect((await fetchPicture(second)).status).toBe(200);
      await api.delete('/users/avatar', { token: other.token });
      expect((await fetchPicture(second)).status).toBe(404);
    });

    it("leaves a deleted account's picture to the purge, an hour after its last upload", async () => {
      const { token, password } = await api.register();
      const shown = (await api.put('/users/avatar', { token, body: upload(await png(64, 64, '#0f1e2d')) })).body.image_path;
      expect((await api.request('DELETE', '/users', { token, body: { current_password: password } })).status).toBe(204);
      await testApp().app.get(PurgeJob).purgeOnce();
      expect((await fetchPicture(shown)).status).toBe(200);
      await query(`UPDATE avatars SET used_at = now() - interval '2 hours'`);
      await testApp().app.get(PurgeJob).purgeOnce();
      expect((await fetchPicture(shown)).status).toBe(404);
    });

    it('answers 401 without a valid token or session, storing nothing', async () => {
      const before = await storedCount();
      expect((await api.put('/users/avatar', { body: upload(await png(10, 10, '#010203')) })).status).toBe(401);
      const { token, refresh_token } = await api.register();
      await api.post('/auth/logout', { token, body: { refresh_token } });
      expect((await api.put('/users/avatar', { token, body: upload(await png(10, 10, '#010204')) })).status).toBe(401);
      expect((await api.delete('/users/avatar', { token })).status).toBe(401);
      expect(await storedCount()).toBe(before);
    });
  });

  describe('an administrator', () => {
    it("uploads and deletes any user's picture; a USER gets 403, a missing user 404, and nothing is stored", async () => {
      const { user, token } = await api.register();
      const uploaded = await api.put(`/api/users/${user.id}/avatar`, { token: admin, body: upload(await png(800, 1000)) });
      expect(uploaded.status).toBe(200);
      expect(uploaded.body.image_path).toMatch(NAME);
      const stored = await sharp((await fetchPicture(uploaded.body.image_path)).bytes).metadata();
      expect([stored.width, stored.height]).toEqual([410, 512]);
      expect((await api.get('/users', { token })).body.image_path).toBe(uploaded.body.image_path);

      const before = await storedCount();
      const picture = upload(await png(20, 20, '#0a0b0c'));
      expect((await api.put(`/api/users/${user.id}/avatar`, { token, body: picture })).status).toBe(403);
      const missing = await api.put('/api/users/999999/avatar', { token: admin, body: upload(await png(20, 20, '#0a0b0d')) });
      expect([missing.status, missing.body.code]).toEqual([404, 'USER_NOT_FOUND']);
      expect(await storedCount()).toBe(before);

      const removed = await api.delete(`/api/users/${user.id}/avatar`, { token: admin });
      expect([removed.status, removed.body.image_path]).toEqual([200, 'profile-pictures/default.jpg']);
      expect((await api.delete('/api/users/999999/avatar', { token: admin })).status).toBe(404);
    });
  });

  describe('bad input: 4xx, and nothing stored or changed', () => {
    let token: string;
    let before: { count: number; imagePath: string };
    beforeAll(async () => {
      ({ token } = await api.register());
      await api.put('/users/avatar', { token, body: upload(await png(30, 30, '#abcdef')) });
    });
    beforeEach(async () => {
      before = { count: await storedCount(), imagePath: (await api.get('/users', { token })).body.image_path };
    });
    afterEach(async () => {
      expect(await storedCount()).toBe(before.count);
      expect((await api.get('/users', { token })).body.image_path).toBe(before.imagePath);
    });

    const photo = photoWithGps();
    it.each([
      ['text', async () => Buffer.from('just some text, not a picture')],
      ['an SVG (it can carry scripts)', async () => SVG],
      ['a truncated JPEG', async () => (await photo).subarray(0, Math.floor((await photo).length / 2))],
      ['a decompression bomb (a PNG claiming 100,000 × 100,000)', async () => decompressionBomb()],
      ['a PDF named .jpg', async () => Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF')],
    ])('%s: 400 INVALID_IMAGE', async (_what, bytes) => {
      const response = await api.put('/users/avatar', { token, body: upload(await bytes(), { type: 'image/jpeg' }) });
      expect([response.status, response.body.code]).toEqual([400, 'INVALID_IMAGE']);
    });

    it('a JSON body: 415', async () => {
      const response = await api.put('/users/avatar', { token, body: { file: 'aGVsbG8=' } });
      expect([response.status, response.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    });

    it('raw image bytes without multipart: 415', async () => {
      const response = await api.put('/users/avatar', { token, body: await png(10, 10), headers: { 'content-type': 'image/png' } });
      expect(response.status).toBe(415);
    });

    it('several files, a part under another name, a text field, no part at all: 400', async () => {
      const picture = await png(10, 10, '#111111');
      const two = upload(picture);
      two.append('file', new Blob([new Uint8Array(picture)], { type: 'image/png' }), 'second.png');
      const misnamed = upload(picture, { name: 'picture' });
      const withField = upload(picture);
      withField.append('caption', 'me');
      for (const body of [two, misnamed, withField, new FormData()]) {
        const response = await api.put('/users/avatar', { token, body });
        expect([response.status, response.body.code, response.body.errors?.[0]?.field]).toEqual([400, 'VALIDATION_FAILED', 'file']);
      }
      const empty = await api.put('/users/avatar', { token });
      expect([empty.status, empty.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    });

    it('a JSON route refuses multipart with 415', async () => {
      const response = await api.put('/users', { token, body: upload(await png(10, 10)) });
      expect(response.status).toBe(415);
    });

    it('over AVATAR_MAX_BYTES: 413 as it arrives, without buffering the upload', async () => {
      const uploadBytes = 256 * 1024 * 1024;
      const baseline = process.memoryUsage().arrayBuffers;
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 5);
      try {
        const { status, body, stillSending } = await streamBody(`${api.baseUrl}/users/avatar`, {
          headers: { ...bearer(token), 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
          head: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
          size: uploadBytes,
          tail: `\r\n--${BOUNDARY}--\r\n`,
        });
        expect([status, JSON.parse(body).code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
        // Answered once the limit was passed, while the client was still sending, not at the end.
        expect(stillSending).toBe(true);
      } finally {
        clearInterval(sampler);
      }
      // The limit (5 MB) at most and the parser's chunks: never the upload (4.8 MB seen).
      expect(peak - baseline).toBeLessThan(16 * 1024 * 1024);
    });
  });
});
