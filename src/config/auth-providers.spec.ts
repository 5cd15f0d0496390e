import { parseAuthProviders } from './auth-providers';

const GOOGLE = { id: 'google', type: 'oidc', client_id: 'id', client_secret: 'top-secret-value', issuer: 'https://accounts.google.com' };

describe('parseAuthProviders (AUTH_PROVIDERS)', () => {
  it('reads OpenID Connect and GitHub entries, with their defaults', () => {
    expect(parseAuthProviders(undefined)).toEqual([]);
    expect(parseAuthProviders(JSON.stringify([GOOGLE, { id: 'github', type: 'github', client_id: 'a', client_secret: 'b' }]))).toEqual([
      { id: 'google', type: 'oidc', name: 'google', clientId: 'id', clientSecret: 'top-secret-value', issuer: 'https://accounts.google.com', scopes: ['openid', 'email', 'profile'] },
      {
        id: 'github',
        type: 'github',
        name: 'github',
        clientId: 'a',
        clientSecret: 'b',
        scopes: ['read:user', 'user:email'],
        authorizationUrl: 'https://github.com/login/oauth/authorize',
        tokenUrl: 'https://github.com/login/oauth/access_token',
        apiUrl: 'https://api.github.com',
      },
    ]);
    expect(parseAuthProviders(JSON.stringify([{ ...GOOGLE, issuer: 'http://127.0.0.1:4000/' }]))[0]).toMatchObject({ issuer: 'http://127.0.0.1:4000' });
  });

  it.each([
    ['{', 'must be a JSON list'],
    ['{}', 'must be a JSON list'],
    [JSON.stringify([{ ...GOOGLE, type: 'saml' }]), 'entry 0: type must be "oidc" or "github"'],
    [JSON.stringify([{ ...GOOGLE, id: 'Google!' }]), 'entry 0: id must be'],
    [JSON.stringify([GOOGLE, GOOGLE]), 'id "google" is used twice'],
    [JSON.stringify([{ ...GOOGLE, issuer: 'http://accounts.google.com' }]), 'provider "google": issuer must be an https:// URL'],
    [JSON.stringify([{ ...GOOGLE, client_secret: '' }]), 'provider "google": client_secret must be a non-empty string'],
    [JSON.stringify([{ ...GOOGLE, scopes: ['email'] }]), 'provider "google": scopes must include "openid"'],
    [JSON.stringify([{ ...GOOGLE, clientSecret: 'x' }]), 'entry 0: unknown field "clientSecret"'],
    [JSON.stringify([{ ...GOOGLE, type: 'github', issuer: undefined, token_url: 'https://user:pw@example.com/token' }]), 'provider "google": token_url must be an https:// URL'],
  ])('refuses %s, naming what is wrong and never the secret', (text, reason) => {
    expect(() => parseAuthProviders(text)).toThrow(`Invalid environment: AUTH_PROVIDERS ${reason}`);
    try {
      parseAuthProviders(text);
    } catch (error) {
      expect((error as Error).message).not.toContain('top-secret-value');
    }
  });
});
