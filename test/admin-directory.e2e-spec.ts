import { ADMIN, useTestApp } from './support/test-app';

describe('the admin API: list, read, create, delete', () => {
  const api = useTestApp();
  let admin: string;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    admin = await api.login(ADMIN.email, ADMIN.password);
    // A small directory: names chosen so that each filter picks a known set.
    const people = [
      ['alice', 'Alice Anders', 'USER', true],
      ['bob', 'Bob Brown', 'DRIVER', true],
      ['carol', 'Carol Ng', 'USER', false],
      ['dave_100%', 'Dave Under_score', 'DRIVER', false],
    ] as const;
    for (const [username, name, role, is_active] of people) {
      const response = await api.post('/api/users', {
        token: admin,
        body: { email: `${username.replace('%', '')}@directory.example.com`, password: 'directory-pw-1', name, username: username.replace('%', ''), role, is_active },
      });
      expect(response.status).toBe(201);
      ids[username] = response.body.id;
    }
  });

  const list = (query: string) => api.get(`/api/users${query}`, { token: admin });
  const usernames = (body: { data: { username: string }[] }) => body.data.map((user) => user.username);

  describe('GET /api/users', () => {
    it('answers the first page of 20 by id, with the total', async () => {
      const response = await list('');
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ page: 1, limit: 20, total: 5 });
      expect(response.body.data.map((user: { id: number }) => user.id)).toEqual(
        [...response.body.data.map((user: { id: number }) => user.id)].sort((a, b) => a - b),
      );
      expect(Object.keys(response.body.data[0]).sort()).toEqual(
        ['created_at', 'email', 'email_verified', 'firstname', 'id', 'image_path', 'is_active', 'lastname', 'locale', 'mfa', 'name', 'pending_email', 'phone_number', 'role', 'updated_at', 'username'],
      );
    });

    it('pages with page and limit', async () => {
      const first = await list('?limit=2&page=1&sort=username');
      const second = await list('?limit=2&page=2&sort=username');
      const third = await list('?limit=2&page=3&sort=username');
      expect(usernames(first.body)).toEqual(['admin', 'alice']);
      expect(usernames(second.body)).toEqual(['bob', 'carol']);
      expect(usernames(third.body)).toEqual(['dave_100']);
      expect(third.body).toMatchObject({ page: 3, limit: 2, total: 5 });
      expect((await list('?limit=2&page=9')).body).toMatchObject({ data: [], total: 5 });
    });

    it('searches email, username and names ignoring case, with % and _ taken literally', async () => {
      expect(usernames((await list('?q=ANDERS')).body)).toEqual(['alice']);
      expect(usernames((await list('?q=bob%40DIRECTORY')).body)).toEqual(['bob']);
      expect(usernames((await list('?q=ng')).body)).toEqual(['carol']);
      expect(usernames((await list('?q=under_score')).body)).toEqual(['dave_100']);
      expect((await list('?q=%25')).body.total).toBe(0);
      expect((await list('?q=Ali_e')).body.total).toBe(0);
      expect((await list(`?q=${encodeURIComponent("' OR 1=1 --")}`)).body.total).toBe(0);
    });

    it('filters by role and is_active, and sorts both ways', async () => {
      expect(usernames((await list('?role=DRIVER&sort=username')).body)).toEqual(['bob', 'dave_100']);
      expect(usernames((await list('?is_active=false&sort=-username')).body)).toEqual(['dave_100', 'carol']);
      expect(usernames((await list('?role=USER&is_active=true')).body)).toEqual(['alice']);
      const newest = await list('?sort=-created_at&limit=1');
      expect(usernames(newest.body)).toEqual(['dave_100']);
    });

    describe('cursors', () => {
      // Names that repeat, so that ties are broken by id; made by one admin, like the rest.
      beforeAll(async () => {
        for (const [username, name] of [
          ['twin_a', 'Twin Same'],
          ['twin_b', 'Twin Same'],
          ['twin_c', 'Twin Same'],
          ['twin_d', 'Aaron Early'],
          ['twin_e', 'Zed Late'],
          ['twin_f', 'Twin Same'],
        ]) {
          const body = { email: `${username}@directory.example.com`, password: 'directory-pw-1', name, username };
          expect((await api.post('/api/users', { token: admin, body })).status).toBe(201);
        }
      });

      /** Every page from the first by next_cursor: the rows' ids, in order, and the pages' answers. */
      async function walk(query: string) {
        const pages = [];
        let cursor: string | null = null;
        do {
          const response = await list(`?limit=2&${query}${cursor ? `&cursor=${cursor}` : ''}`);
          expect(response.status).toBe(200);
          pages.push(response.body);
          cursor = response.body.next_cursor;
        } while (cursor !== null && pages.length < 100);
        return { ids: pages.flatMap((page) => page.data.map((user: { id: number }) => user.id)), pages };
      }

      it.each(['name', '-name', 'created_at', '-username'])(
        'walks every page of sort=%s by cursor: each user once, in the order of one big page',
        async (sort) => {
          const whole = await list(`?limit=100&sort=${sort}`);
          expect(whole.body).toMatchObject({ total_is_capped: false, next_cursor: null });
          const { ids, pages } = await walk(`sort=${sort}`);
          expect(ids).toEqual(whole.body.data.map((user: { id: number }) => user.id));
          expect(new Set(ids).size).toBe(whole.body.total);
          // The first page is page 1; a cursor page has no number; the last has no cursor.
          expect(pages.map((page) => page.page)).toEqual([1, ...pages.slice(1).map(() => null)]);
          expect(pages.every((page) => page.total === whole.body.total && page.limit === 2)).toBe(true);
        },
      );

      it('keeps the filters on every page, and ties in name ordered by id both ways', async () => {
        const names = (body: { data: { name: string }[] }) => body.data.map((user) => user.name);
        const ascending = await walk('sort=name&q=twin');
        const descending = await walk('sort=-name&q=twin');
        expect(ascending.ids).toHaveLength(6);
        expect(descending.ids).toEqual([...ascending.ids].reverse());
        const twins = (await list('?q=twin+same&sort=id')).body.data.map((user: { id: number }) => user.id);
        expect(ascending.ids.slice(1, 5)).toEqual(twins);
        expect(ascending.pages.flatMap(names)).toEqual(['Aaron Early', ...Array(4).fill('Twin Same'), 'Zed Late']);
      });

      it('continues from a page asked by number', async () => {
        const second = await list('?limit=2&page=2&sort=username');
        const third = await list('?limit=2&page=3&sort=username');
        const next = await list(`?limit=2&sort=username&cursor=${second.body.next_cursor}`);
        expect(usernames(next.body)).toEqual(usernames(third.body));
      });

      it('refuses a cursor with page, one altered, or one of another sort: 400 naming cursor', async () => {
        const { next_cursor: cursor } = (await list('?limit=2&sort=-created_at')).body;
        const altered = cursor.slice(0, 12) + (cursor[12] === 'A' ? 'B' : 'A') + cursor.slice(13);
        for (const query of [
          `?sort=-created_at&page=2&cursor=${cursor}`,
          `?sort=-created_at&cursor=${altered}`,
          `?sort=created_at&cursor=${cursor}`,
          `?cursor=${cursor}`,
          '?cursor=not-a-cursor',
        ]) {
          const response = await list(query);
          expect(response.status).toBe(400);
          expect(response.body.code).toBe('VALIDATION_FAILED');
          expect(response.body.errors.map((error: { field: string }) => error.field)).toEqual(['cursor']);
        }
        expect((await list(`?sort=-created_at&cursor=${cursor}&page=2`)).body.detail).toMatch(/cursor and page/);
        expect((await list(`?sort=created_at&cursor=${cursor}`)).body.detail).toMatch(/made for sort=-created_at/);
      });

      it('refuses a page that skips more than 10000 rows, pointing to cursor', async () => {
        expect((await list('?page=501')).status).toBe(200);
        expect((await list('?page=101&limit=100')).status).toBe(200);
        const response = await list('?page=502');
        expect(response.status).toBe(400);
        expect(response.body.errors).toEqual([{ field: 'page', message: expect.stringContaining('cursor') }]);
      });
    });

    it.each([
      ['limit', '?limit=0'],
      ['limit', '?limit=101'],
      ['limit', '?limit=ten'],
      ['page', '?page=0'],
      ['page', '?page=-1'],
      ['page', '?page=10002&limit=1'],
      ['cursor', '?cursor=abc'],
      ['cursor', '?cursor=a&cursor=b'],
      ['role', '?role=admin'],
      ['is_active', '?is_active=yes'],
      ['sort', '?sort=password_hash'],
      ['q', '?q=a&q=b'],
      ['password', '?password=x'],
    ])('refuses a bad %s with 400 naming it', async (field, query) => {
      const response = await list(query);
      expect(response.status).toBe(400);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toEqual([field]);
    });

    it('is for administrators only', async () => {
      const { token } = await api.register();
      expect((await api.get('/api/users', { token })).status).toBe(403);
      expect((await api.get('/api/users')).status).toBe(401);
    });
  });

  describe('GET /api/users/:id', () => {
    it('reads any user, with an ETag; 404 for none, 400 for a bad id', async () => {
      const response = await api.get(`/api/users/${ids.carol}`, { token: admin });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ username: 'carol', is_active: false });
      expect(response.headers.get('etag')).toMatch(/^"\d+"$/);
      expect((await api.get('/api/users/999999', { token: admin })).body.code).toBe('USER_NOT_FOUND');
      expect((await api.get('/api/users/abc', { token: admin })).status).toBe(400);
    });
  });

  describe('POST /api/users', () => {
    it('creates a user with the role and fields given, logged in with its password', async () => {
      const response = await api.post('/api/users', {
        token: admin,
        body: { email: ' New.Admin@Example.com', password: 'new-admin-pw-1', name: 'New Admin', role: 'ADMIN', phone_number: '+4912345678' },
      });
      expect(response.status).toBe(201);
      expect(response.headers.get('etag')).toMatch(/^"\d+"$/);
      expect(response.body).toMatchObject({ email: 'new.admin@example.com', role: 'ADMIN', is_active: true, username: 'new.admin' });
      const token = await api.login('new.admin@example.com', 'new-admin-pw-1');
      expect((await api.get('/api/users', { token })).status).toBe(200);
    });

    it("sets the account's language from the body, else from the administrator's Accept-Language; PUT changes it", async () => {
      const given = await api.post('/api/users', {
        token: admin,
        body: { email: 'locale.given@example.com', name: 'Given', locale: 'es' },
      });
      const fromHeader = await api.post('/api/users', {
        token: admin,
        body: { email: 'locale.admin@example.com', name: 'From Header' },
        headers: { 'accept-language': 'es-ES' },
      });
      expect([given.body.locale, fromHeader.body.locale]).toEqual(['es', 'es']);
      const changed = await api.put(`/api/users/${given.body.id}`, { token: admin, body: { locale: 'en' } });
      expect([changed.status, changed.body.locale]).toEqual([200, 'en']);
    });

    it('answers 409 for a taken email and 400 for bad fields', async () => {
      const taken = await api.post('/api/users', {
        token: admin,
        body: { email: 'ALICE@directory.example.com', password: 'Plum-Orbit-42', name: 'Other' },
      });
      expect(taken.body.code).toBe('EMAIL_TAKEN');
      const bad = await api.post('/api/users', {
        token: admin,
        body: { email: 'x@example.com', password: 'Plum-Orbit-42', name: 'X', role: 'ROOT', id: 7 },
      });
      expect(bad.status).toBe(400);
      // The first field the route does not take is named, before any value is checked.
      expect(bad.body.errors.map((error: { field: string }) => error.field)).toEqual(['id']);
      const badRole = await api.post('/api/users', {
        token: admin,
        body: { email: 'x@example.com', password: 'Plum-Orbit-42', name: 'X', role: 'ROOT' },
      });
      expect(badRole.body.errors.map((error: { field: string }) => error.field)).toEqual(['role']);
    });
  });

  describe('DELETE /api/users/:id', () => {
    it('soft-deletes: the user’s token dies, it leaves the list, its email is free', async () => {
      const { user, token } = await api.register({ email: 'doomed@example.com' });
      expect((await api.request('DELETE', `/api/users/${user.id}`, { token: admin })).status).toBe(204);
      expect((await api.get('/users', { token })).status).toBe(401);
      expect((await api.get(`/api/users/${user.id}`, { token: admin })).status).toBe(404);
      expect((await list('?q=doomed')).body.total).toBe(0);
      expect((await api.request('DELETE', `/api/users/${user.id}`, { token: admin })).status).toBe(404);
      await api.register({ email: 'doomed@example.com' });
    });

    it('refuses to delete the last active admin, and 400s a bad id', async () => {
      const me = (await api.get('/users', { token: admin })).body;
      const others = (await list('?role=ADMIN&is_active=true')).body.data.filter((u: { id: number }) => u.id !== me.id);
      for (const other of others) {
        expect((await api.put(`/api/users/${other.id}`, { token: admin, body: { role: 'USER' } })).status).toBe(200);
      }
      const response = await api.request('DELETE', `/api/users/${me.id}`, { token: admin });
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('LAST_ADMIN');
      expect((await api.request('DELETE', '/api/users/0', { token: admin })).status).toBe(400);
    });
  });
});
