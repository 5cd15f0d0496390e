import { AppConfig } from './app-config';
import { listeningLine } from './listening-line';

describe('listeningLine', () => {
  it('names the URL, Swagger UI and the embedded database', () => {
    expect(listeningLine(AppConfig.fromEnvironment({ PORT: '3000' }))).toBe(
      'Listening on http://localhost:3000, Swagger UI at http://localhost:3000/docs; database: embedded PGlite in ./data',
    );
    expect(listeningLine(AppConfig.fromEnvironment({ DATA_DIR: 'memory://', SWAGGER_ENABLED: 'false' }))).toBe(
      'Listening on http://localhost:3000; database: embedded PGlite in memory',
    );
  });

  it('names a PostgreSQL server without its credentials', () => {
    const config = AppConfig.fromEnvironment({ PORT: '8080', DATABASE_URL: 'postgres://app:s3cret@db.internal/accounts' });
    const line = listeningLine(config);
    expect(line).toBe('Listening on http://localhost:8080, Swagger UI at http://localhost:8080/docs; database: PostgreSQL at db.internal:5432/accounts');
    expect(line).not.toContain('s3cret');
  });

  it('names HOST when it is not every IPv4 interface, an IPv6 address in brackets', () => {
    expect(listeningLine(AppConfig.fromEnvironment({ HOST: '127.0.0.1', SWAGGER_ENABLED: 'false' }))).toBe(
      'Listening on http://127.0.0.1:3000; database: embedded PGlite in ./data',
    );
    expect(listeningLine(AppConfig.fromEnvironment({ HOST: '::', PORT: '8080' }))).toBe(
      'Listening on http://[::]:8080, Swagger UI at http://[::]:8080/docs; database: embedded PGlite in ./data',
    );
    expect(listeningLine(AppConfig.fromEnvironment({ HOST: 'accounts.internal', SWAGGER_ENABLED: 'false' }))).toBe(
      'Listening on http://accounts.internal:3000; database: embedded PGlite in ./data',
    );
  });
});
