/**
 * The container deployment, checked as data: no Docker engine runs where the tests run, so
 * docker-compose.yml, the Dockerfile, .dockerignore and .env.example are parsed and compared
 * with what the service reads (the properties of its Environment class).
 *
 * Every check is also run against a broken copy of the files (see "each check fails ..."), so
 * none of them can pass whatever the files say.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { getMetadataStorage } from 'class-validator';
import { parse as parseYaml } from 'yaml';
import { Environment, parseEnvironment } from '../src/config/environment';

const ROOT = join(__dirname, '..');
const read = (name: string) => readFileSync(join(ROOT, name), 'utf8');

/** Every variable the service reads: the validated or defaulted properties of Environment. */
function serviceVariables(): string[] {
  const validated = getMetadataStorage()
    .getTargetValidationMetadatas(Environment, '', true, false)
    .map(({ propertyName }) => propertyName);
  const defaulted = Object.keys(new Environment());
  return [...new Set([...validated, ...defaulted])].sort();
}
const VARIABLES = serviceVariables();

// ---------------------------------------------------------------------------------------------
// Dockerfile

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  base: string;
  name?: string;
  instructions: Instruction[];
}

/** Stages of a Dockerfile: continuation lines joined, comments and parser directives dropped. */
function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let current = '';
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    if (/\\\s*$/.test(line)) {
      current += `${line.replace(/\\\s*$/, '')} `;
      continue;
    }
    logical.push(`${current}${line}`.trim());
    current = '';
  }
  if (current.trim()) logical.push(current.trim());

  const stages: Stage[] = [];
  for (const entry of logical) {
    const [, keyword, args] = /^(\S+)\s*([\s\S]*)$/.exec(entry)!;
    if (keyword.toUpperCase() === 'FROM') {
      const words = args.split(/\s+/).filter((word) => !word.startsWith('--'));
      stages.push({ base: words[0], name: words[1]?.toLowerCase() === 'as' ? words[2] : undefined, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

function parentIndex(stages: Stage[], index: number): number {
  const base = stages[index].base.toLowerCase();
  return stages.findIndex((stage, i) => i < index && stage.name?.toLowerCase() === base);
}

/** The instructions in effect in a stage: those of the stages it is built on, then its own. */
function effectiveInstructions(stages: Stage[], index: number): Instruction[] {
  const parent = parentIndex(stages, index);
  return [...(parent >= 0 ? effectiveInstructions(stages, parent) : []), ...stages[index].instructions];
}

/** The image a stage finally starts from, through `FROM <earlier stage>`. */
function baseImage(stages: Stage[], index: number): string {
  const parent = parentIndex(stages, index);
  return parent >= 0 ? baseImage(stages, parent) : stages[index].base;
}

const finalInstructions = (stages: Stage[], keyword: string) =>
  stages.length ? effectiveInstructions(stages, stages.length - 1).filter((i) => i.keyword === keyword) : [];

/** Exec form as written; shell form as /bin/sh -c. */
function commandOf(args: string): string[] {
  if (args.trim().startsWith('[')) {
    try {
      return JSON.parse(args) as string[];
    } catch {
      // Docker treats invalid JSON as shell form.
    }
  }
  return ['/bin/sh', '-c', args];
}

// ---------------------------------------------------------------------------------------------
// docker-compose.yml

/** Compose's `environment`, as a map or a list; a name without a value passes the shell's value. */
function environmentMap(environment: unknown): Record<string, string | undefined> {
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      environment.map((entry) => {
        const [name, ...value] = String(entry).split('=');
        return [name, value.length ? value.join('=') : undefined];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries((environment ?? {}) as Record<string, unknown>).map(([name, value]) => [
      name,
      value === null || value === undefined ? undefined : String(value),
    ]),
  );
}

/** Compose interpolation: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, ${VAR:+x}. */
function interpolate(text: string, variables: Record<string, string | undefined>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_]\w*)(?:(:?)([-?+])([^}]*))?\}|\$([A-Za-z_]\w*)/g,
    (match: string, ...groups: Array<string | undefined>) => {
      if (match === '$$') return '$';
      const [braced, colon, operator, argument, bare] = groups;
      const name = (braced ?? bare)!;
      const value = variables[name];
      const missing = value === undefined || (colon === ':' && value === '');
      if (operator === '-') return missing ? argument! : value!;
      if (operator === '+') return missing ? '' : argument!;
      if (operator === '?') {
        if (missing) throw new Error(`required variable ${name} is missing a value: ${argument}`);
        return value!;
      }
      return value ?? '';
    },
  );
}

/** What a service's container gets: its env_file (here .env.example as .env), then `environment`. */
function containerEnvironment(
  compose: any,
  service: string,
  variables: Record<string, string | undefined>,
  dotEnv: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  const resolved: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(environmentMap(compose?.services?.[service]?.environment))) {
    resolved[name] = value === undefined ? variables[name] : interpolate(value, variables);
  }
  return { ...dotEnv, ...resolved };
}

/** A healthcheck's command as a list; empty when there is none or it is disabled. */
function healthcheckCommand(healthcheck: any): string[] {
  if (!healthcheck || healthcheck.disable) return [];
  const test = healthcheck.test;
  if (typeof test === 'string') return ['CMD-SHELL', test];
  return Array.isArray(test) && test[0] !== 'NONE' ? test.map(String) : [];
}

function dependencies(dependsOn: unknown): Record<string, string> {
  if (Array.isArray(dependsOn)) return Object.fromEntries(dependsOn.map((name) => [String(name), 'service_started']));
  return Object.fromEntries(
    Object.entries((dependsOn ?? {}) as Record<string, any>).map(([name, spec]) => [
      name,
      spec?.condition ?? 'service_started',
    ]),
  );
}

function portMappings(ports: unknown): Array<{ published?: string; target: string }> {
  return ((Array.isArray(ports) ? ports : []) as unknown[]).map((port) => {
    if (port && typeof port === 'object') {
      const { published, target } = port as { published?: unknown; target?: unknown };
      return { published: published === undefined ? undefined : String(published), target: String(target) };
    }
    const parts = String(port).replace(/\/(tcp|udp)$/, '').split(':');
    return { published: parts.length > 1 ? parts.at(-2) : undefined, target: parts.at(-1)! };
  });
}

function mounts(volumes: unknown): Array<{ source?: string; target?: string }> {
  return ((Array.isArray(volumes) ? volumes : []) as unknown[]).map((volume) => {
    if (volume && typeof volume === 'object') {
      const { source, target } = volume as { source?: string; target?: string };
      return { source, target };
    }
    const parts = String(volume).split(':');
    return parts.length === 1 ? { target: parts[0] } : { source: parts[0], target: parts[1] };
  });
}

function envFiles(envFile: unknown): string[] {
  const entries = Array.isArray(envFile) ? envFile : envFile === undefined ? [] : [envFile];
  return entries.map((entry) => String(typeof entry === 'object' && entry ? (entry as { path: string }).path : entry));
}

const OFFICIAL_POSTGRES = /^(?:docker\.io\/)?(?:library\/)?postgres:(\d+)(?:[.-]|$)/;
const OFFICIAL_REDIS = /^(?:docker\.io\/)?(?:library\/)?redis:\d+(?:[.-]|$)/;
const NODE_LTS = /^(?:docker\.io\/)?(?:library\/)?node:(?:22|24)(?:[.-]|$)/;
const A_REAL_SECRET = 'k'.repeat(48);
/** What production requires set by hand, each a real secret. */
const REAL_SECRETS = { JWT_SECRET: A_REAL_SECRET, MFA_ENCRYPTION_KEY: 'm'.repeat(48) };

/** The service's own start-up checks, as an assertion: a refusal fails the check that asked. */
function accepted(raw: Record<string, string | undefined>): Environment {
  let env: Environment | undefined;
  expect(() => (env = parseEnvironment(raw))).not.toThrow();
  return env!;
}

// ---------------------------------------------------------------------------------------------
// .dockerignore: Docker's rules, close enough: the last matching line wins, `!` re-includes, a
// pattern that matches a folder also excludes what it holds.

function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
      if (pattern[i + 1] === '/') i++;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}(?:/.*)?$`);
}

function dockerIgnores(lines: string[], path: string): boolean {
  let ignored = false;
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    const pattern = line.slice(negated ? 1 : 0).trim().replace(/^\.?\//, '').replace(/\/+$/, '');
    if (globToRegExp(pattern).test(path)) ignored = !negated;
  }
  return ignored;
}

// ---------------------------------------------------------------------------------------------
// The checks, over one parsed copy of the files.

interface Deployment {
  compose: any;
  stages: Stage[];
  dockerignore: string[];
  envExample: string[];
}

function load(): Deployment {
  return {
    compose: parseYaml(read('docker-compose.yml')),
    stages: parseDockerfile(read('Dockerfile')),
    dockerignore: read('.dockerignore').split(/\r?\n/),
    envExample: read('.env.example').split(/\r?\n/),
  };
}

const exampleValues = (d: Deployment) => parseEnv(d.envExample.join('\n'));
const api = (d: Deployment) => d.compose?.services?.api;
const db = (d: Deployment) => d.compose?.services?.db;

const checks: Record<string, (d: Deployment) => void> = {
  'compose has the services db and api': (d) => {
    expect(Object.keys(d.compose?.services ?? {})).toEqual(expect.arrayContaining(['db', 'api']));
  },

  'compose: db runs the official PostgreSQL image, major version pinned': (d) => {
    expect(db(d)?.image ?? '').toMatch(OFFICIAL_POSTGRES);
  },

  "compose: db keeps its cluster in a named volume declared under `volumes`, at the image's data path": (d) => {
    const major = Number(OFFICIAL_POSTGRES.exec(db(d)?.image ?? '')?.[1]);
    // The image declares its data folder a VOLUME: a mount anywhere else would be shadowed by it.
    const dataPath = major >= 18 ? '/var/lib/postgresql' : '/var/lib/postgresql/data';
    const declared = Object.keys(d.compose?.volumes ?? {});
    const named = mounts(db(d)?.volumes).filter(
      ({ source, target }) => source !== undefined && declared.includes(source) && target === dataPath,
    );
    expect(named).toHaveLength(1);
  },

  'compose: db has a pg_isready healthcheck': (d) => {
    expect(healthcheckCommand(db(d)?.healthcheck).join(' ')).toMatch(/\bpg_isready\b/);
  },

  'compose: api is built from the Dockerfile': (d) => {
    const build = api(d)?.build;
    expect(build).toBeDefined();
    const context = typeof build === 'string' ? build : build?.context ?? '.';
    const dockerfile = typeof build === 'object' ? build?.dockerfile ?? 'Dockerfile' : 'Dockerfile';
    expect(join(ROOT, context, dockerfile)).toBe(join(ROOT, 'Dockerfile'));
  },

  'compose: api publishes port 3000 to the port it listens on': (d) => {
    const listening = containerEnvironment(d.compose, 'api', { ...REAL_SECRETS }).PORT ?? '3000';
    expect(listening).toBe('3000');
    expect(portMappings(api(d)?.ports)).toContainEqual({ published: '3000', target: listening });
  },

  'compose: api has a node healthcheck on GET /health/ready (the slim image has no curl)': (d) => {
    const command = healthcheckCommand(api(d)?.healthcheck).join(' ');
    expect(command).toMatch(/\bnode\b/);
    expect(command).toMatch(/:3000\/health\/ready\b/);
    expect(command).not.toMatch(/\b(curl|wget)\b/);
  },

  'compose: api waits for a healthy db': (d) => {
    expect(dependencies(api(d)?.depends_on)).toMatchObject({ db: 'service_healthy' });
  },

  'compose: api passes every variable the service reads': (d) => {
    const passed = Object.keys(environmentMap(api(d)?.environment));
    expect(VARIABLES.filter((name) => !passed.includes(name))).toEqual([]);
  },

  'compose: api reads .env': (d) => {
    expect(envFiles(api(d)?.env_file).map((path) => path.replace(/^\.\//, ''))).toContain('.env');
  },

  'compose: api restarts unless stopped': (d) => {
    expect(api(d)?.restart).toBe('unless-stopped');
  },

  'compose: api refuses to start without a JWT_SECRET': (d) => {
    expect(environmentMap(api(d)?.environment)).toHaveProperty('JWT_SECRET');
    for (const variables of [{}, { JWT_SECRET: '' }]) {
      expect(() => containerEnvironment(d.compose, 'api', variables)).toThrow(/JWT_SECRET/);
    }
  },

  'compose: api refuses to start without an MFA_ENCRYPTION_KEY': (d) => {
    expect(environmentMap(api(d)?.environment)).toHaveProperty('MFA_ENCRYPTION_KEY');
    for (const variables of [{ JWT_SECRET: A_REAL_SECRET }, { JWT_SECRET: A_REAL_SECRET, MFA_ENCRYPTION_KEY: '' }]) {
      expect(() => containerEnvironment(d.compose, 'api', variables)).toThrow(/MFA_ENCRYPTION_KEY/);
    }
  },

  "compose: api's environment passes the production checks and DATABASE_URL reaches db with its credentials": (d) => {
    const example = exampleValues(d);
    // With no .env at all, and with .env copied from .env.example: only JWT_SECRET set by hand.
    for (const dotEnv of [{}, example]) {
      const variables = { ...dotEnv, ...REAL_SECRETS };
      const env = accepted(containerEnvironment(d.compose, 'api', variables, dotEnv));
      expect(env.NODE_ENV).toBe('production');
      const postgres = containerEnvironment(d.compose, 'db', variables);
      const url = new URL(env.DATABASE_URL ?? 'unset:');
      expect({
        host: url.hostname,
        port: url.port || '5432',
        user: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
        database: decodeURIComponent(url.pathname.slice(1)),
      }).toEqual({
        host: 'db',
        port: '5432',
        user: postgres.POSTGRES_USER,
        password: postgres.POSTGRES_PASSWORD,
        database: postgres.POSTGRES_DB ?? postgres.POSTGRES_USER,
      });
    }
  },

  'compose: api serves Swagger': (d) => {
    for (const dotEnv of [{}, exampleValues(d)]) {
      const variables = { ...dotEnv, ...REAL_SECRETS };
      const env = accepted(containerEnvironment(d.compose, 'api', variables, dotEnv));
      expect(env.SWAGGER_ENABLED).toBe(true);
    }
  },

  'compose: redis (official image, redis-cli ping healthcheck) backs REDIS_URL by default; api waits for it': (d) => {
    const redis = d.compose?.services?.redis;
    expect(redis?.image ?? '').toMatch(OFFICIAL_REDIS);
    expect(healthcheckCommand(redis?.healthcheck).join(' ')).toMatch(/\bredis-cli\b.*\bping\b/);
    expect(dependencies(api(d)?.depends_on)).toMatchObject({ redis: 'service_healthy' });
    for (const dotEnv of [{}, exampleValues(d)]) {
      const variables = { ...dotEnv, ...REAL_SECRETS };
      const url = containerEnvironment(d.compose, 'api', variables, dotEnv).REDIS_URL ?? '';
      expect(url).toMatch(/^redis:\/\/redis(:6379)?\/?$/);
    }
  },

  'Dockerfile has at least two stages': (d) => {
    expect(d.stages.length).toBeGreaterThanOrEqual(2);
  },

  'Dockerfile: an earlier stage installs all dependencies and builds': (d) => {
    const runs = d.stages
      .slice(0, -1)
      .flatMap((stage) => stage.instructions)
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args);
    expect(runs).toContainEqual(expect.stringMatching(/\bnpm ci\b/));
    expect(runs).toContainEqual(expect.stringMatching(/\bnpm run build\b/));
  },

  'Dockerfile: the final stage is based on Node 22 or 24': (d) => {
    expect(d.stages.length).toBeGreaterThan(0);
    expect(baseImage(d.stages, d.stages.length - 1)).toMatch(NODE_LTS);
  },

  'Dockerfile: the final stage installs production dependencies only': (d) => {
    const installs = finalInstructions(d.stages, 'RUN')
      .map((i) => i.args)
      .filter((command) => /\bnpm (ci|install|i)\b/.test(command));
    expect(installs.length).toBeGreaterThan(0);
    for (const command of installs) expect(command).toMatch(/--omit[= ]dev\b|--production\b/);
  },

  'Dockerfile: the final stage sets NODE_ENV=production': (d) => {
    const nodeEnv = finalInstructions(d.stages, 'ENV')
      .map((i) => i.args)
      .filter((args) => /\bNODE_ENV\b/.test(args))
      .at(-1);
    expect(nodeEnv ?? '').toMatch(/(^|\s)NODE_ENV[= ]"?production"?(\s|$)/);
  },

  'Dockerfile: the final stage copies dist from an earlier stage and runs node dist/main.js as PID 1': (d) => {
    const earlier = d.stages.slice(0, -1).flatMap((stage, index) => [String(index), stage.name?.toLowerCase()]);
    const copies = finalInstructions(d.stages, 'COPY').filter(({ args }) => {
      const from = /--from=(\S+)/.exec(args)?.[1]?.toLowerCase();
      return from !== undefined && earlier.includes(from) && /\s\S*dist\/?\s/.test(` ${args} `);
    });
    expect(copies.length).toBeGreaterThan(0);
    // Exec form: node itself receives SIGTERM (no shell or npm in between).
    const command = commandOf(finalInstructions(d.stages, 'CMD').at(-1)?.args ?? '[]');
    expect(command[0]).toBe('node');
    expect(command.at(-1) ?? '').toMatch(/^(\.\/)?dist\/main(\.js)?$/);
    // The same Node flags as `npm run start:prod`, which the bench measures.
    const startProd = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts['start:prod'] as string;
    expect(command.join(' ')).toBe(startProd);
  },

  'Dockerfile: the final stage runs as a user other than root': (d) => {
    const user = finalInstructions(d.stages, 'USER').at(-1)?.args.split(':')[0].trim();
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
  },

  'Dockerfile: the final stage exposes port 3000': (d) => {
    expect(finalInstructions(d.stages, 'EXPOSE').flatMap((i) => i.args.split(/\s+/))).toContainEqual(
      expect.stringMatching(/^3000(\/tcp)?$/),
    );
  },

  'Dockerfile: the final stage has a HEALTHCHECK on /health/ready': (d) => {
    const healthcheck = finalInstructions(d.stages, 'HEALTHCHECK').at(-1)?.args ?? 'NONE';
    expect(healthcheck).not.toMatch(/^NONE\b/i);
    expect(healthcheck).toMatch(/\bCMD\b/);
    expect(healthcheck).toMatch(/\/health\/ready\b/);
    expect(healthcheck).not.toMatch(/\b(curl|wget)\b/);
  },

  '.dockerignore excludes node_modules, dist and .env': (d) => {
    for (const path of ['node_modules', 'dist', '.env']) {
      expect({ path, ignored: dockerIgnores(d.dockerignore, path) }).toEqual({ path, ignored: true });
    }
  },

  '.env.example names every variable the service reads': (d) => {
    const example = exampleValues(d);
    expect(VARIABLES.filter((name) => !(name in example))).toEqual([]);
  },

  '.env.example sets the credentials of the compose db service': (d) => {
    expect(Object.keys(exampleValues(d))).toEqual(
      expect.arrayContaining(['POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_DB']),
    );
  },

  '.env.example explains each variable in a comment line just above it': (d) => {
    const unexplained = d.envExample.flatMap((line, index) => {
      const name = /^\s*(?:export\s+)?([A-Za-z_]\w*)\s*=/.exec(line)?.[1];
      const comment = d.envExample[index - 1]?.trim() ?? '';
      return name && !/^#\s*\S/.test(comment) ? [name] : [];
    });
    expect(d.envExample.some((line) => /^\s*[A-Za-z_]\w*\s*=/.test(line))).toBe(true);
    expect(unexplained).toEqual([]);
  },

  ".env.example's values pass the service's checks": (d) => {
    accepted(exampleValues(d));
  },

  ".env.example's JWT_SECRET is a placeholder that production refuses": (d) => {
    const example = exampleValues(d);
    expect(() =>
      parseEnvironment({ ...example, NODE_ENV: 'production', DATABASE_URL: 'postgres://accounts@db:5432/accounts' }),
    ).toThrow(/JWT_SECRET/);
  },
};

// ---------------------------------------------------------------------------------------------

describe('deployment files (docker-compose.yml, Dockerfile, .dockerignore, .env.example)', () => {
  it('knows the variables the service reads, from its Environment class', () => {
    expect(VARIABLES).toEqual(expect.arrayContaining(['NODE_ENV', 'PORT', 'DATABASE_URL', 'JWT_SECRET', 'LOG_LEVEL']));
  });

  it.each(Object.keys(checks))('%s', (name) => {
    checks[name](load());
  });
});

/** Each check, run on a copy of the files broken in the way it should notice. */
const breakages: Array<[check: string, breakage: string, breakIt: (d: Deployment) => void]> = [
  ['compose has the services db and api', 'db is missing', (d) => delete d.compose.services.db],
  ['compose has the services db and api', 'api is missing', (d) => delete d.compose.services.api],
  [
    'compose: db runs the official PostgreSQL image, major version pinned',
    'a third-party image',
    (d) => (d.compose.services.db.image = 'bitnami/postgresql:17'),
  ],
  [
    'compose: db runs the official PostgreSQL image, major version pinned',
    'an unpinned tag',
    (d) => (d.compose.services.db.image = 'postgres:latest'),
  ],
  [
    "compose: db keeps its cluster in a named volume declared under `volumes`, at the image's data path",
    'a bind mount',
    (d) => (d.compose.services.db.volumes = ['./pgdata:/var/lib/postgresql/data']),
  ],
  [
    "compose: db keeps its cluster in a named volume declared under `volumes`, at the image's data path",
    'the volume is not declared',
    (d) => delete d.compose.volumes,
  ],
  [
    "compose: db keeps its cluster in a named volume declared under `volumes`, at the image's data path",
    "postgres 18's path on postgres 17",
    (d) =>
      (d.compose.services.db.volumes = mounts(d.compose.services.db.volumes).map(
        ({ source }) => `${source}:/var/lib/postgresql`,
      )),
  ],
  ['compose: db has a pg_isready healthcheck', 'no healthcheck', (d) => delete d.compose.services.db.healthcheck],
  [
    'compose: db has a pg_isready healthcheck',
    'a disabled healthcheck',
    (d) => (d.compose.services.db.healthcheck.disable = true),
  ],
  ['compose: api is built from the Dockerfile', 'an image instead', (d) => delete d.compose.services.api.build],
  [
    'compose: api is built from the Dockerfile',
    'another Dockerfile',
    (d) => (d.compose.services.api.build = { context: '.', dockerfile: 'Dockerfile.dev' }),
  ],
  [
    'compose: api publishes port 3000 to the port it listens on',
    'another host port',
    (d) => (d.compose.services.api.ports = ['8080:3000']),
  ],
  [
    'compose: api publishes port 3000 to the port it listens on',
    'PORT changed inside',
    (d) => (d.compose.services.api.environment.PORT = '8080'),
  ],
  [
    'compose: api has a node healthcheck on GET /health/ready (the slim image has no curl)',
    'curl on /health',
    (d) => (d.compose.services.api.healthcheck.test = ['CMD', 'curl', '-f', 'http://localhost:3000/health']),
  ],
  [
    'compose: api has a node healthcheck on GET /health/ready (the slim image has no curl)',
    'no healthcheck',
    (d) => delete d.compose.services.api.healthcheck,
  ],
  [
    'compose: api waits for a healthy db',
    'depends_on without a condition',
    (d) => (d.compose.services.api.depends_on = ['db', 'redis']),
  ],
  [
    'compose: api waits for a healthy db',
    'service_started',
    (d) => (d.compose.services.api.depends_on.db.condition = 'service_started'),
  ],
  [
    'compose: api passes every variable the service reads',
    'LOG_LEVEL is not passed',
    (d) => delete d.compose.services.api.environment.LOG_LEVEL,
  ],
  [
    'compose: api passes every variable the service reads',
    'a variable the service reads is not passed',
    (d) => delete d.compose.services.api.environment[VARIABLES[0]],
  ],
  ['compose: api reads .env', 'no env_file', (d) => delete d.compose.services.api.env_file],
  ['compose: api restarts unless stopped', 'restart: "no"', (d) => (d.compose.services.api.restart = 'no')],
  [
    'compose: api refuses to start without a JWT_SECRET',
    'a default secret',
    (d) => (d.compose.services.api.environment.JWT_SECRET = '${JWT_SECRET:-a-default-that-everyone-knows-by-heart}'),
  ],
  [
    'compose: api refuses to start without a JWT_SECRET',
    '${JWT_SECRET?...}, which accepts an empty value',
    (d) => (d.compose.services.api.environment.JWT_SECRET = '${JWT_SECRET?set it}'),
  ],
  [
    'compose: api refuses to start without an MFA_ENCRYPTION_KEY',
    'a default key',
    (d) => (d.compose.services.api.environment.MFA_ENCRYPTION_KEY = '${MFA_ENCRYPTION_KEY:-a-default-that-everyone-knows-by-heart}'),
  ],
  [
    "compose: api's environment passes the production checks and DATABASE_URL reaches db with its credentials",
    'NODE_ENV=development',
    (d) => (d.compose.services.api.environment.NODE_ENV = 'development'),
  ],
  [
    "compose: api's environment passes the production checks and DATABASE_URL reaches db with its credentials",
    'DATABASE_URL on localhost',
    (d) =>
      (d.compose.services.api.environment.DATABASE_URL = String(
        d.compose.services.api.environment.DATABASE_URL,
      ).replace('@db:', '@localhost:')),
  ],
  [
    "compose: api's environment passes the production checks and DATABASE_URL reaches db with its credentials",
    'db gets another password',
    (d) => (d.compose.services.db.environment.POSTGRES_PASSWORD = 'something-else'),
  ],
  [
    "compose: api's environment passes the production checks and DATABASE_URL reaches db with its credentials",
    'no DATABASE_URL',
    (d) => delete d.compose.services.api.environment.DATABASE_URL,
  ],
  [
    'compose: api serves Swagger',
    'SWAGGER_ENABLED=false',
    (d) => (d.compose.services.api.environment.SWAGGER_ENABLED = 'false'),
  ],
  [
    'compose: redis (official image, redis-cli ping healthcheck) backs REDIS_URL by default; api waits for it',
    'no redis service',
    (d) => delete d.compose.services.redis,
  ],
  [
    'compose: redis (official image, redis-cli ping healthcheck) backs REDIS_URL by default; api waits for it',
    'REDIS_URL unset by default',
    (d) => (d.compose.services.api.environment.REDIS_URL = '${REDIS_URL:-}'),
  ],
  [
    'compose: redis (official image, redis-cli ping healthcheck) backs REDIS_URL by default; api waits for it',
    'api does not wait for redis',
    (d) => delete d.compose.services.api.depends_on.redis,
  ],
  ['Dockerfile has at least two stages', 'one stage', (d) => (d.stages = d.stages.slice(-1))],
  [
    'Dockerfile: an earlier stage installs all dependencies and builds',
    'no build',
    (d) =>
      d.stages.slice(0, -1).forEach((stage) => {
        stage.instructions = stage.instructions.filter((i) => !/npm run build/.test(i.args));
      }),
  ],
  [
    'Dockerfile: the final stage is based on Node 22 or 24',
    'Node 20',
    (d) => (d.stages.at(-1)!.base = 'node:20-bookworm-slim'),
  ],
  [
    'Dockerfile: the final stage is based on Node 22 or 24',
    'a stage on Node 23',
    (d) => (d.stages.at(-1)!.base = 'node:23-slim'),
  ],
  [
    'Dockerfile: the final stage installs production dependencies only',
    'npm ci with dev dependencies',
    (d) =>
      d.stages.at(-1)!.instructions.forEach((i) => {
        i.args = i.args.replace(/\s--omit[= ]dev\b|\s--production\b/g, '');
      }),
  ],
  [
    'Dockerfile: the final stage installs production dependencies only',
    'no install at all',
    (d) => (d.stages.at(-1)!.instructions = d.stages.at(-1)!.instructions.filter((i) => !/\bnpm\b/.test(i.args))),
  ],
  [
    'Dockerfile: the final stage sets NODE_ENV=production',
    'no NODE_ENV',
    (d) => (d.stages.at(-1)!.instructions = d.stages.at(-1)!.instructions.filter((i) => i.keyword !== 'ENV')),
  ],
  [
    'Dockerfile: the final stage copies dist from an earlier stage and runs node dist/main.js as PID 1',
    'npm start as the command',
    (d) => d.stages.at(-1)!.instructions.push({ keyword: 'CMD', args: '["npm", "run", "start:prod"]' }),
  ],
  [
    'Dockerfile: the final stage copies dist from an earlier stage and runs node dist/main.js as PID 1',
    'shell form',
    (d) => d.stages.at(-1)!.instructions.push({ keyword: 'CMD', args: 'node dist/main.js' }),
  ],
  [
    'Dockerfile: the final stage copies dist from an earlier stage and runs node dist/main.js as PID 1',
    'dist not copied',
    (d) => (d.stages.at(-1)!.instructions = d.stages.at(-1)!.instructions.filter((i) => i.keyword !== 'COPY')),
  ],
  [
    'Dockerfile: the final stage runs as a user other than root',
    'USER root',
    (d) => d.stages.at(-1)!.instructions.push({ keyword: 'USER', args: 'root' }),
  ],
  [
    'Dockerfile: the final stage runs as a user other than root',
    'no USER',
    (d) => (d.stages.at(-1)!.instructions = d.stages.at(-1)!.instructions.filter((i) => i.keyword !== 'USER')),
  ],
  [
    'Dockerfile: the final stage exposes port 3000',
    'no EXPOSE',
    (d) => (d.stages.at(-1)!.instructions = d.stages.at(-1)!.instructions.filter((i) => i.keyword !== 'EXPOSE')),
  ],
  [
    'Dockerfile: the final stage has a HEALTHCHECK on /health/ready',
    'no HEALTHCHECK',
    (d) =>
      (d.stages.at(-1)!.instructions = d.stages.at(-1)!.instructions.filter((i) => i.keyword !== 'HEALTHCHECK')),
  ],
  [
    'Dockerfile: the final stage has a HEALTHCHECK on /health/ready',
    'HEALTHCHECK NONE',
    (d) => d.stages.at(-1)!.instructions.push({ keyword: 'HEALTHCHECK', args: 'NONE' }),
  ],
  [
    '.dockerignore excludes node_modules, dist and .env',
    'node_modules not excluded',
    (d) => (d.dockerignore = d.dockerignore.filter((line) => !line.includes('node_modules'))),
  ],
  [
    '.dockerignore excludes node_modules, dist and .env',
    '.env re-included',
    (d) => d.dockerignore.push('!.env'),
  ],
  [
    '.env.example names every variable the service reads',
    'LOG_LEVEL missing',
    (d) => (d.envExample = d.envExample.filter((line) => !line.startsWith('LOG_LEVEL='))),
  ],
  [
    '.env.example names every variable the service reads',
    'a variable only in a comment',
    (d) => (d.envExample = d.envExample.map((line) => (line.startsWith('PORT=') ? `# ${line}` : line))),
  ],
  [
    '.env.example sets the credentials of the compose db service',
    'POSTGRES_DB missing',
    (d) => (d.envExample = d.envExample.filter((line) => !line.startsWith('POSTGRES_DB='))),
  ],
  [
    '.env.example explains each variable in a comment line just above it',
    'a variable without a comment',
    (d) => (d.envExample = d.envExample.filter((_, index, lines) => !lines[index + 1]?.startsWith('PORT='))),
  ],
  [
    '.env.example explains each variable in a comment line just above it',
    'no variables at all',
    (d) => (d.envExample = d.envExample.filter((line) => line.startsWith('#'))),
  ],
  [
    ".env.example's values pass the service's checks",
    'BCRYPT_ROUNDS=3',
    (d) => (d.envExample = d.envExample.map((line) => (line.startsWith('BCRYPT_ROUNDS=') ? 'BCRYPT_ROUNDS=3' : line))),
  ],
  [
    ".env.example's JWT_SECRET is a placeholder that production refuses",
    'a 48-byte secret',
    (d) =>
      (d.envExample = d.envExample.map((line) => (line.startsWith('JWT_SECRET=') ? `JWT_SECRET=${A_REAL_SECRET}` : line))),
  ],
];

describe('each check fails when its subject is broken', () => {
  it('has a breakage for every check', () => {
    const broken = new Set(breakages.map(([check]) => check));
    expect(Object.keys(checks).filter((name) => !broken.has(name))).toEqual([]);
    expect([...broken].filter((name) => !(name in checks))).toEqual([]);
  });

  it.each(breakages)('%s: fails with %s', (check, _breakage, breakIt) => {
    const deployment = load();
    breakIt(deployment);
    let failure: unknown;
    try {
      checks[check](deployment);
    } catch (error) {
      failure = error;
    }
    // An assertion of the check, not a crash of the test's own code.
    expect(failure).toHaveProperty('matcherResult');
  });
});
