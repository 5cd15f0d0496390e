import fc from 'fast-check';

// What the fuzzer sends, as fast-check values that do not depend on the running service: a
// request names the accounts it uses (the batch slot's user or admin, another slot's user) and
// the fresh values it needs symbolically; fuzz-requests.ts turns it into bytes at run time.

/** Whose value a reference means: the token's account, the path's target, or a slot account. */
export type Who = 'self' | 'target' | 'user' | 'admin' | 'other';

/** How an email is spelled; the service stores every form as the plain one (a fresh `idn` one in punycode). */
export type EmailStyle = 'plain' | 'upper' | 'padded' | 'fullwidth';

export type Ref =
  | { kind: 'email'; who: Who; style: EmailStyle }
  | { kind: 'username'; who: Who; style: 'plain' | 'upper' }
  | { kind: 'password'; who: Who }
  | { kind: 'refresh'; who: Who }
  | { kind: 'fresh-email'; style: EmailStyle | 'idn' }
  | { kind: 'fresh-username' }
  | { kind: 'fresh-password'; prefix: string };

/** A JSON value, serialized by hand so that any key, a duplicate key or any number literal can be sent. */
export type Json =
  | null
  | boolean
  | number
  | string
  | { kind: 'array'; items: Json[] }
  | { kind: 'object'; entries: [string, Json][] }
  /** Sent as it is: `-0`, `1e309`, `9007199254740993`, deep nesting. */
  | { kind: 'literal'; text: string }
  /** A string value with one hostile character put in at `at` of its length. */
  | { kind: 'poison'; value: Json; char: string; at: number }
  | Ref;

export type Body =
  | { kind: 'json'; value: Json; prefix?: string; suffix?: string }
  /** The JSON text cut at `fraction` of its length. */
  | { kind: 'truncated'; value: Json; fraction: number }
  /** A comma before the last closing bracket. */
  | { kind: 'trailing-comma'; value: Json }
  /** Bytes that are not UTF-8 inside the first string of the JSON text. */
  | { kind: 'bad-utf8'; value: Json; bytes: number[] }
  | { kind: 'utf16'; value: Json }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: number[] };

export type Auth =
  | { kind: 'none' }
  | { kind: 'token'; who: 'user' | 'admin'; form: TokenForm }
  | { kind: 'raw'; value: string };

/** How the slot's token is sent: `exact`, `lower-scheme` and `double-space` must work, the others never. */
export type TokenForm = 'exact' | 'lower-scheme' | 'double-space' | 'append-x' | 'truncate' | 'no-scheme' | 'other-sub';
export const WORKING_FORMS: TokenForm[] = ['exact', 'lower-scheme', 'double-space'];

/**
 * A path id: a slot account's, raw text that names no account, or another spelling of the
 * decoy account's id (`{d}` decimal, `{x}` hex, `{b}` binary, `{o}` octal), which must be 400.
 */
export type PathId = { kind: 'slot'; who: 'user' | 'admin' } | { kind: 'raw'; text: string } | { kind: 'alias'; form: string };

export type IfMatch = 'current' | 'stale' | 'listed' | 'weak' | { raw: string };

export type RouteName =
  | 'register'
  | 'login'
  | 'refresh'
  | 'logout'
  | 'profile-get'
  | 'profile-put'
  | 'profile-delete'
  | 'password'
  | 'admin-list'
  | 'admin-create'
  | 'admin-get'
  | 'admin-put'
  | 'admin-delete'
  | 'health'
  | 'ready'
  | 'odd';

export interface RequestSpec {
  route: RouteName;
  method: string;
  /** The path; for routes with an id, the part before it. */
  path: string;
  id?: PathId;
  /** Query string text without `?`, already percent-encoded where it has to be. */
  query?: string;
  auth: Auth;
  /** null: no Content-Type header at all. */
  contentType: string | null;
  body?: Body;
  ifMatch?: IfMatch;
  /** Extra headers (ASCII values only: fetch refuses others). */
  headers?: [string, string][];
}

// ---------------------------------------------------------------- values

const SPECIAL_STRINGS = [
  '',
  ' ',
  '   \t\n ',
  'null',
  'true',
  'false',
  'undefined',
  'NaN',
  '-0',
  'Infinity',
  '1e308',
  '2147483648',
  '9007199254740993',
  '__proto__',
  'constructor',
  'prototype',
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '%',
  '_',
  '\\',
  '"',
  '\u0000',
  'a\u0000b',
  'jane\u0000@example.com',
  '😀',
  '👩‍👩‍👧‍👦',
  '\u202eevil\u202c',
  '\u200f\u200e',
  '\u2066isolate\u2069',
  '\ud800',
  '\udfff',
  'a\ud800b',
  '\udc00\ud800',
  '\ufeff',
  '\uffff',
  '\ufffd',
  '\u{10ffff}',
  '\u0085\u2028\u2029',
  'İı ß ﬀ Ω',
  'ｊａｎｅ',
  '١٢٣',
  '../../etc/passwd',
  '..',
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '{{7*7}}',
  'a'.repeat(30),
  'a'.repeat(31),
  'a'.repeat(72),
  'a'.repeat(73),
  'é'.repeat(36),
  'é'.repeat(37),
  'x'.repeat(100),
  'x'.repeat(101),
  'x'.repeat(254),
  'x'.repeat(255),
  `${'a'.repeat(64)}@${'b'.repeat(63)}.com`,
  `${'a'.repeat(250)}@x.io`,
  'plainaddress',
  '@example.com',
  'a@b',
  'a@@b.com',
  'A@EXAMPLE.COM',
  'admin@example.com',
  'ADMIN@EXAMPLE.COM',
  '+1234567890',
  '+12345678901234567',
  'https://example.com/a.png',
  'javascript:alert(1)',
  '//evil.example.com/x.png',
  'file:///etc/passwd',
  'USER',
  'ADMIN',
  'DRIVER',
  'admin',
];

const NASTY_CHARS = ['\u0000', '\ud800', '\udc00', '\u202e', '\u200f', '😀', 'a', '"', '\\', '%', '_', '\n', '\u0007', "'", ' ', '\ufeff'];

const hugeString = fc
  .tuple(fc.constantFrom(256, 1_000, 10_000, 60_000, 110_000), fc.constantFrom('a', 'é', '😀', '\u0000', ' '))
  .map(([count, char]) => char.repeat(count));

export const fuzzString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...SPECIAL_STRINGS), weight: 6 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: fc.constantFrom(...NASTY_CHARS), maxLength: 24 }), weight: 2 },
  { arbitrary: hugeString, weight: 1 },
);

const NUMBER_LITERALS = [
  '-0',
  '-0.0',
  '1e308',
  '1e309',
  '-1e309',
  '1.7976931348623157e308',
  '5e-324',
  '1e-400',
  '2147483647',
  '2147483648',
  '-2147483649',
  '4294967296',
  '9007199254740993',
  '123456789012345678901234567890',
  '1E2',
  '1.0',
  '0.1',
];

const edgeNumber: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(0, -1, 1, 0.5, 1e308, -1e308, 5e-324, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), 2 ** 53 + 1, 2 ** 64, 1e21, 100, 101),
  fc.constantFrom(...NUMBER_LITERALS).map((text): Json => ({ kind: 'literal', text })),
  fc.double(),
  fc.integer(),
);

const deepNesting: fc.Arbitrary<Json> = fc
  .tuple(fc.constantFrom(64, 500, 5_000, 18_000, 40_000), fc.constantFrom('array', 'object', 'proto'))
  .map(([depth, shape]): Json => {
    if (shape === 'array') return { kind: 'literal', text: '['.repeat(depth) + ']'.repeat(depth) };
    const open = shape === 'object' ? '{"a":' : '{"__proto__":';
    return { kind: 'literal', text: open.repeat(depth) + '1' + '}'.repeat(depth) };
  });

const scalar: fc.Arbitrary<Json> = fc.oneof(
  { arbitrary: fuzzString, weight: 6 },
  { arbitrary: edgeNumber, weight: 3 },
  { arbitrary: fc.constantFrom<Json>(null, true, false), weight: 2 },
);

const POLLUTING_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__'];

const ALL_FIELDS = [
  'email',
  'password',
  'name',
  'username',
  'firstname',
  'lastname',
  'phone_number',
  'image_path',
  'role',
  'is_active',
  'id',
  'password_hash',
  'profileImage',
  'refresh_token',
  'current_password',
  'new_password',
  'salt',
  'deleted_at',
  'version',
  'created_at',
];

export const fuzzKey: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...ALL_FIELDS), weight: 4 },
  { arbitrary: fc.constantFrom(...POLLUTING_KEYS), weight: 3 },
  { arbitrary: fc.constantFrom('', ' ', 'Email', 'EMAIL', 'email ', 'email\u0000', 'em\u202eail', 'e\u00admail', 'user', 'data', '0', '[]'), weight: 2 },
  { arbitrary: fuzzString, weight: 1 },
);

/** Any JSON value, nested a little, plus deep nesting and prototype-polluting objects. */
export const fuzzValue: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 3, depthSize: 'small' },
    { arbitrary: scalar, weight: 8 },
    { arbitrary: fc.array(tie('value'), { maxLength: 4 }).map((items): Json => ({ kind: 'array', items })), weight: 1 },
    {
      arbitrary: fc.array(fc.tuple(fuzzKey, tie('value')), { maxLength: 4 }).map((entries): Json => ({ kind: 'object', entries })),
      weight: 1,
    },
    { arbitrary: deepNesting, weight: 1 },
  ),
})).value;

// ---------------------------------------------------------------- valid field values

const style3 = fc.constantFrom<EmailStyle>('plain', 'plain', 'upper', 'padded', 'fullwidth');

const email: fc.Arbitrary<Json> = fc.oneof(
  {
    arbitrary: fc
      .oneof({ arbitrary: style3, weight: 4 }, { arbitrary: fc.constant('idn' as const), weight: 1 })
      .map((style): Json => ({ kind: 'fresh-email', style })),
    weight: 8,
  },
  {
    arbitrary: fc
      .tuple(fc.constantFrom<Who>('self', 'target', 'other', 'admin'), style3)
      .map(([who, style]): Json => ({ kind: 'email', who, style })),
    weight: 2,
  },
  { arbitrary: fc.emailAddress(), weight: 1 },
);

const username: fc.Arbitrary<Json> = fc.oneof(
  { arbitrary: fc.constant<Json>({ kind: 'fresh-username' }), weight: 6 },
  {
    arbitrary: fc
      .tuple(fc.constantFrom<Who>('self', 'target', 'other'), fc.constantFrom('plain' as const, 'upper' as const))
      .map(([who, style]): Json => ({ kind: 'username', who, style })),
    weight: 2,
  },
  { arbitrary: fc.stringMatching(/^[A-Za-z0-9_.-]{3,30}$/), weight: 1 },
);

/** Unicode Cc and Cf: control and invisible characters, which no name, email or username may hold. */
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;

// Valid names: trimmed they are 1 to 100 characters with nothing invisible (near misses are
// NEAR_MISSES' and the poison mutation's).
const personName = fc.oneof(
  fc.constantFrom('Jane Doe', "Zoë 😀 O'Brien", 'محمد علي', '  padded  ', '李小龙', 'x'.repeat(100), 'İı ß ﬀ Ω', 'ｊａｎｅ'),
  fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
    .map((text) => [...text.replace(INVISIBLE, '')].slice(0, 100).join('').trim() || 'Grapheme Name'),
);

const optionalName: fc.Arbitrary<Json> = fc.oneof(fc.constant(null), fc.constant(''), personName);

const phone: fc.Arbitrary<Json> = fc.oneof(fc.constant(null), fc.stringMatching(/^\+[0-9]{8,15}$/));

const imagePath: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(
    'profile-pictures/default.jpg',
    'profile-pictures/jane.png',
    '/images/profiles/johndoe_new.jpg',
    'https://cdn.example.com/a/b.png?size=2',
    'https://cdn.example.com/😀.png',
    'http://example.com/x.jpg',
    'a/./b.png',
    'x'.repeat(512),
  ),
  fc.stringMatching(/^[a-z0-9_-]{1,20}(\/[a-z0-9_-]{1,20}){0,3}\.(png|jpg)$/),
);

// Never common, one character repeated, nor an account's name: the run's tag and a counter follow the prefix.
const freshPassword: fc.Arbitrary<Json> = fc
  .oneof(fc.constant(''), fc.string({ unit: 'grapheme', maxLength: 8 }), fc.constantFrom('😀😀😀', '\u202e', 'é'.repeat(20)))
  .map((prefix): Json => ({ kind: 'fresh-password', prefix: prefix.replaceAll('\u0000', '') }));

const ownPassword = (who: Who = 'self'): fc.Arbitrary<Json> =>
  fc.oneof(
    { arbitrary: fc.constant<Json>({ kind: 'password', who }), weight: 4 },
    { arbitrary: fc.constantFrom<Json>('wrong-password-1', 'x', 'a'.repeat(73)), weight: 1 },
  );

const role: fc.Arbitrary<Json> = fc.constantFrom<Json>('USER', 'USER', 'DRIVER', 'DRIVER', 'ADMIN');

const refreshToken: fc.Arbitrary<Json> = fc.oneof(
  { arbitrary: fc.constantFrom<Json>({ kind: 'refresh', who: 'self' }, { kind: 'refresh', who: 'user' }, { kind: 'refresh', who: 'admin' }), weight: 3 },
  { arbitrary: fc.constantFrom<Json>('x'.repeat(200), 'x'.repeat(201), 'k3Jx9bQ2', '\u0000'), weight: 1 },
);

// ---------------------------------------------------------------- bodies

type Model = Record<string, fc.Arbitrary<Json>>;

/** A valid-looking object: the required fields and some of the optional ones, in any order. */
function validObject(model: Model, required: string[]): fc.Arbitrary<[string, Json][]> {
  return fc
    .record(model, { requiredKeys: required as never[] })
    .chain((record) => fc.shuffledSubarray(Object.entries(record) as [string, Json][], { minLength: Object.keys(record).length }))
    .map((entries) => entries.filter(([, value]) => value !== undefined));
}

type Mutation =
  | { op: 'poison'; index: number; char: string; at: number }
  | { op: 'near'; index: number; pick: number }
  | { op: 'replace'; index: number; value: Json }
  | { op: 'add'; key: string; value: Json }
  | { op: 'drop'; index: number }
  | { op: 'duplicate'; index: number; value: Json };

/** Characters that a valid value with one of them inside must be refused for, or stored as they are. */
const POISON = ['\u0000', '\u0000', '\ud800', '\udc00', '\udfff', '\u202e', '\u200f', '\u2028', '\ufeff', '\u0085', '\u0007', '😀', '\ud83d', '%', '_', '\\', "'", '"', ' '];

const IMAGE_NEAR_MISSES: Json[] = ['x'.repeat(513), 'a/../b.png', 'images/😀.png', '//evil.example.com/x.png', 'javascript:alert(1)', null];
const NAME_NEAR_MISSES: Json[] = ['x'.repeat(101), '\u202eRTL name', 'Zero\u200bWidth', 'soft\u00adhyphen', 'tab\there', '👩‍👩‍👧‍👦', 5];
const PASSWORD_NEAR_MISSES: Json[] = [
  'short',
  'é'.repeat(37),
  // Common (zxcvbn-ts), one character repeated, or the account's own name: 400 WEAK_PASSWORD.
  'password123',
  'Qwertyuiop',
  'aaaaaaaaaa',
  '😀😀😀',
  { kind: 'email', who: 'target', style: 'plain' },
  { kind: 'username', who: 'target', style: 'upper' },
];

/**
 * Values just outside a field's rules: 400. A password that is the target's email or username
 * is refused only while it is still the account's own (not when the write changes that name or
 * makes a new account).
 */
const NEAR_MISSES: Record<string, Json[]> = {
  email: [
    'jané@example.com',
    '"jane"@example.com',
    'jane@exаmple.com', // a Cyrillic а among Latin letters
    'jane@ex\u200bample.com',
    `${'a'.repeat(65)}@example.com`,
    `${'a'.repeat(60)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com`,
    'jane@localhost',
  ],
  username: ['ab', 'a'.repeat(31), 'has space', 'jané', 'fz\u200b1', ' padded '],
  name: ['', '   ', 'x'.repeat(101), ...NAME_NEAR_MISSES],
  firstname: NAME_NEAR_MISSES,
  lastname: NAME_NEAR_MISSES,
  phone_number: ['+1234567', '+1234567890123456', '1234567890', '', '+１２３４５６７８９'],
  image_path: IMAGE_NEAR_MISSES,
  profileImage: IMAGE_NEAR_MISSES,
  role: ['admin', 'SUPERUSER', '', null],
  is_active: ['true', 0, 1, null],
  password: PASSWORD_NEAR_MISSES,
  password_hash: PASSWORD_NEAR_MISSES,
  new_password: PASSWORD_NEAR_MISSES,
};

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('near' as const), index: fc.nat(), pick: fc.nat() }), weight: 3 },
  {
    arbitrary: fc.record({ op: fc.constant('poison' as const), index: fc.nat(), char: fc.constantFrom(...POISON), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
    weight: 3,
  },
  { arbitrary: fc.record({ op: fc.constant('replace' as const), index: fc.nat(), value: fuzzValue }), weight: 5 },
  { arbitrary: fc.record({ op: fc.constant('add' as const), key: fuzzKey, value: fuzzValue }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('drop' as const), index: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('duplicate' as const), index: fc.nat(), value: fuzzValue }), weight: 1 },
);

function mutate(entries: [string, Json][], change: Mutation): [string, Json][] {
  const copy = [...entries];
  if (change.op === 'add') return [...copy, [change.key, change.value]];
  if (copy.length === 0) return [['email', 'value' in change ? change.value : { kind: 'poison', value: 'a@example.com', char: '\u0000', at: 0.5 }]];
  const index = change.index % copy.length;
  if (change.op === 'near') {
    const [key, value] = copy[index];
    const misses = NEAR_MISSES[key];
    copy[index] = [key, misses ? misses[change.pick % misses.length] : { kind: 'poison', value, char: '\u0000', at: 0.5 }];
  } else if (change.op === 'poison') copy[index] = [copy[index][0], { kind: 'poison', value: copy[index][1], char: change.char, at: change.at }];
  else if (change.op === 'drop') copy.splice(index, 1);
  else if (change.op === 'replace') copy[index] = [copy[index][0], change.value];
  else copy.push([copy[index][0], change.value]);
  return copy;
}

const MALFORMED_TEXTS = [
  "{'email':'a@example.com'}",
  '{"a":1,}',
  '[1,2,]',
  '{"a":NaN}',
  '{"a":Infinity}',
  '{"a":-Infinity}',
  '{"a":undefined}',
  '{a:1}',
  '{"a":1}{"b":2}',
  '{"a":1} x',
  '',
  ' ',
  '\n',
  'null',
  'true',
  '0',
  '-0',
  '1e309',
  '"string"',
  '[]',
  '[{}]',
  '{"a":"\u0001"}',
  '{"a":"tab\there"}',
  '{"a": 01}',
  '{"a": .5}',
  '{"a": +1}',
  '{"a": 0x10}',
  '/* comment */ {}',
  '{"a":1 // comment\n}',
  '{"email":"\\x41"}',
  '{"email":"\\ud800"}',
  '{"email":"\\udc00\\ud800"}',
  '{"email":"\\u00"}',
  '{"email":"\\u0000"}',
  '{',
  '}',
  '[',
  '{"email":',
  '{"email"',
  '\u0000',
  '\ufeff',
  '\ufeff{}',
  '\ufeff\ufeff{"name":"x"}',
  '{"__proto__":{"role":"ADMIN"}}',
  '{"name":"x","__proto__":{"role":"ADMIN","is_active":true}}',
  '{"constructor":{"prototype":{"role":"ADMIN"}}}',
  '{"name":"x","constructor":{"prototype":{"isAdmin":true}}}',
  '{"__proto__":null}',
  '{"name":"a","name":"b"}',
  '{"email":"a@example.com","email":null}',
  '{"name":"x"}\u0000',
  '{"name":"x"}\r\n\r\n',
];

const BAD_UTF8 = [[0xff], [0xfe, 0xff], [0xc3], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80, 0x80]];

function bodyOf(object: fc.Arbitrary<Json>, weights = { valid: 12, wrongTop: 2, malformed: 3 }): fc.Arbitrary<Body> {
  const wrongTop: fc.Arbitrary<Json> = fc.oneof(
    fuzzValue,
    object.map((value): Json => ({ kind: 'array', items: [value] })),
    object.map((value): Json => ({ kind: 'object', entries: [['data', value]] })),
  );
  return fc.oneof(
    { arbitrary: object.map((value): Body => ({ kind: 'json', value })), weight: weights.valid },
    { arbitrary: wrongTop.map((value): Body => ({ kind: 'json', value })), weight: weights.wrongTop },
    {
      arbitrary: fc.oneof(
        fc.constantFrom(...MALFORMED_TEXTS).map((text): Body => ({ kind: 'text', text })),
        fc.tuple(object, fc.double({ min: 0, max: 1, noNaN: true })).map(([value, fraction]): Body => ({ kind: 'truncated', value, fraction })),
        object.map((value): Body => ({ kind: 'trailing-comma', value })),
        fc.tuple(object, fc.constantFrom('\ufeff', ' \n\t', '\u0000', '\u00a0')).map(([value, prefix]): Body => ({ kind: 'json', value, prefix })),
        fc.tuple(object, fc.constantFrom(',', ' x', '}', ']', '\u0000', '{}', '\n{"role":"ADMIN"}')).map(([value, suffix]): Body => ({ kind: 'json', value, suffix })),
        fc.tuple(object, fc.constantFrom(...BAD_UTF8)).map(([value, bytes]): Body => ({ kind: 'bad-utf8', value, bytes })),
        object.map((value): Body => ({ kind: 'utf16', value })),
        fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 48 }).map((bytes): Body => ({ kind: 'bytes', bytes })),
      ),
      weight: weights.malformed,
    },
  );
}

/** More keys than any request has (the service refuses over 100 before walking them). */
const manyKeys: fc.Arbitrary<[string, Json][]> = fc
  .constantFrom(100, 101, 5_000)
  .map((count) => Array.from({ length: count }, (_, i): [string, Json] => [i === 0 ? 'name' : `k${i}`, i]));

/** Valid objects of one of the models: the required fields and some of the optional ones. */
const validObjects = (model: Model | Model[], required: string[]): fc.Arbitrary<[string, Json][]> =>
  fc.oneof(...(Array.isArray(model) ? model : [model]).map((one) => validObject(one, required)));

/**
 * Bodies for a route: valid objects (2xx), the same with one field wrong (400), junk, and
 * `invalid`: objects of a route's own that are always refused.
 */
function routeBody(model: Model | Model[], required: string[], invalid?: fc.Arbitrary<[string, Json][]>): fc.Arbitrary<Body> {
  const valid = validObjects(model, required);
  const object: fc.Arbitrary<Json> = fc.oneof(
    { arbitrary: valid, weight: 5 },
    { arbitrary: fc.tuple(valid, mutation).map(([entries, change]) => mutate(entries, change)), weight: 6 },
    { arbitrary: fc.array(fc.tuple(fuzzKey, fuzzValue), { maxLength: 5 }), weight: 1 },
    { arbitrary: invalid ? fc.oneof(invalid, manyKeys) : manyKeys, weight: invalid ? 2 : 1 },
  ).map((entries): Json => ({ kind: 'object', entries }));
  return bodyOf(object);
}

// ---------------------------------------------------------------- headers, ids, queries

const JSON_TYPE = 'application/json';

export const contentType: fc.Arbitrary<string | null> = fc.oneof(
  { arbitrary: fc.constant(JSON_TYPE), weight: 16 },
  {
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json;charset=UTF-8',
      'APPLICATION/JSON',
      'Application/Json; Charset="utf-8"',
      'application/problem+json',
      'application/merge-patch+json',
      'application/vnd.api+json',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'application/json; charset=nonsense',
      'application/json; foo=bar',
      'application/json ; charset=utf-8',
      'application/json;',
    ),
    weight: 3,
  },
  {
    arbitrary: fc.constantFrom(
      'text/plain',
      'text/json',
      'text/html',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/jsonx',
      'application/x-json',
      'json',
      '',
      '*/*',
      'application/*',
      'application/octet-stream',
      'application/json, text/plain',
      'application',
      '/',
    ),
    weight: 3,
  },
  { arbitrary: fc.constant(null), weight: 1 },
);

function auth(preferred: 'user' | 'admin' | 'none'): fc.Arbitrary<Auth> {
  const token = (who: 'user' | 'admin', form: fc.Arbitrary<TokenForm>) =>
    form.map((form): Auth => ({ kind: 'token', who, form }));
  const workingForm = fc.constantFrom<TokenForm>('exact', 'exact', 'exact', 'exact', 'exact', 'exact', 'lower-scheme', 'double-space');
  const brokenForm = fc.constantFrom<TokenForm>('append-x', 'truncate', 'no-scheme', 'other-sub');
  const raw = fc
    .constantFrom(
      'Bearer',
      'Bearer ',
      'Bearer null',
      'Bearer undefined',
      'Bearer a.b.c',
      'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIiwic2lkIjoiMDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAwIn0.',
      'Basic YWRtaW5AZXhhbXBsZS5jb206YWRtaW4tcGFzc3dvcmQtMQ==',
      'Token abc',
      `Bearer ${'A'.repeat(4000)}`,
      'Bearer ../../etc/passwd',
      "Bearer ' OR 1=1 --",
      ',',
      '',
    )
    .map((value): Auth => ({ kind: 'raw', value }));
  const preferredToken = preferred === 'none' ? fc.constant<Auth>({ kind: 'none' }) : token(preferred, workingForm);
  return fc.oneof(
    { arbitrary: preferredToken, weight: 12 },
    { arbitrary: token(preferred === 'admin' ? 'user' : 'admin', workingForm), weight: 2 },
    { arbitrary: fc.constant<Auth>({ kind: 'none' }), weight: 2 },
    { arbitrary: token(preferred === 'admin' ? 'admin' : 'user', brokenForm), weight: 1 },
    { arbitrary: raw, weight: 1 },
  );
}

const RAW_IDS = [
  '0',
  '-1',
  '-0',
  '2147483648',
  '4294967296',
  '9007199254740993',
  '1'.repeat(400),
  '99999999999999999999',
  'NaN',
  'Infinity',
  'null',
  'undefined',
  'abc',
  '__proto__',
  'constructor',
  'prototype',
  '%F0%9F%98%80',
  '😀',
  '%E2%80%AE2147483647',
  '\u202e5',
  '١٢٣',
  '１２３',
  '%00',
  '2147483647%00',
  '%20',
  '%2e%2e',
  '..%2F..%2Fhealth',
  '..%2f',
  '%2E%2E%2F%2E%2E%2Fauth%2Flogin',
  '%',
  '%ZZ',
  '%C0%AF',
  '%FF',
  "1'%20OR%20'1'%3D'1",
  '1;DROP%20TABLE%20users',
  '..',
  '.',
  '%252e%252e',
  '',
  'x'.repeat(3000),
];

/** Spellings that JavaScript's Number() reads as the decoy's id, but are not its decimal form. */
const ALIAS_FORMS = ['0{d}', '00{d}', '+{d}', '{d}.0', '{d}.', '{d}e0', '{d}0e-1', '0x{x}', '0X{x}', '0b{b}', '0o{o}', '%20{d}', '{d}%20', '%09{d}', '{d}%0A', '%C2%A0{d}', '%EF%BB%BF{d}', '%E2%80%A8{d}', '%2B{d}'];

const pathId: fc.Arbitrary<PathId> = fc.oneof(
  { arbitrary: fc.constantFrom(...ALIAS_FORMS).map((form): PathId => ({ kind: 'alias', form })), weight: 1 },
  { arbitrary: fc.constant<PathId>({ kind: 'slot', who: 'user' }), weight: 6 },
  { arbitrary: fc.constant<PathId>({ kind: 'slot', who: 'admin' }), weight: 2 },
  // An id no account has: well above any the run creates.
  { arbitrary: fc.integer({ min: 1_000_000_000, max: 2 ** 31 - 1 }).map((id): PathId => ({ kind: 'raw', text: String(id) })), weight: 1 },
  { arbitrary: fc.constantFrom(...RAW_IDS).map((text): PathId => ({ kind: 'raw', text })), weight: 3 },
);

const ifMatch: fc.Arbitrary<IfMatch | undefined> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 8 },
  { arbitrary: fc.constantFrom<IfMatch>('current', 'current', 'stale', 'listed', 'weak'), weight: 3 },
  {
    arbitrary: fc
      .constantFrom('*', '""', '"abc"', 'W/"1"', '"0"', '"-1"', '"99999999999"', '"1e3"', ',', 'x'.repeat(2000), '"1", '.repeat(100), '*, "1"')
      .map((raw): IfMatch => ({ raw })),
    weight: 1,
  },
);

/** Bytes of UTF-8, percent-encoded: lone surrogates become U+FFFD as a browser would send them. */
export function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((byte) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');
}

const queryKey = fc.constantFrom(
  'page',
  'limit',
  'q',
  'role',
  'is_active',
  'sort',
  'page',
  'limit',
  'q',
  'sort',
  'page[]',
  'q[]',
  'q[a]',
  'limit[$gt]',
  '__proto__',
  '__proto__[role]',
  'constructor[prototype][role]',
  'constructor',
  'unknown',
  '',
  'password_hash',
);

const queryValue: fc.Arbitrary<string> = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      '',
      '0',
      '1',
      '2',
      '-1',
      '-0',
      '100',
      '101',
      '1.5',
      '1e2',
      ' 1',
      '1 ',
      '+1',
      '0x10',
      '2147483647',
      '2147483648',
      '999999999',
      '1000000000',
      '9007199254740993',
      '99999999999999999999999',
      'NaN',
      'Infinity',
      'true',
      'false',
      'TRUE',
      '1',
      'yes',
      'ADMIN',
      'admin',
      'USER',
      'DRIVER',
      'id',
      '-id',
      '--id',
      'email',
      '-created_at',
      'password_hash',
      'id;DROP TABLE users',
      'id desc',
      '%',
      '_',
      '\\',
      "'",
      '\u0000',
      'a\u0000b',
      '😀',
      '\u202e',
      '\ud800',
      'x'.repeat(254),
      'x'.repeat(255),
      'x'.repeat(4000),
    ),
    weight: 4,
  },
  { arbitrary: fuzzString.filter((text) => text.length <= 300), weight: 2 },
).map(percentEncode);

/** Raw percent sequences that do not decode, sent as they are. */
const brokenEncoding = fc.constantFrom('%', '%Z', '%ZZ', '%FF', '%C0%AF', '%ED%A0%80', '%E2%82', '%%', '%u0041', '%00', '%F0%9F%98%80');

const validListParam: fc.Arbitrary<[string, string]> = fc.oneof(
  fc.integer({ min: 1, max: 3 }).map((page): [string, string] => ['page', String(page)]),
  fc.integer({ min: 1, max: 100 }).map((limit): [string, string] => ['limit', String(limit)]),
  fc.constantFrom('slot', 'fz', 'example', 'ADMIN', 'a_b', '50%', '😀').map((q): [string, string] => ['q', percentEncode(q)]),
  fc.constantFrom('USER', 'ADMIN', 'DRIVER').map((role): [string, string] => ['role', role]),
  fc.constantFrom('true', 'false').map((active): [string, string] => ['is_active', active]),
  fc.constantFrom('id', '-id', 'email', '-email', 'username', 'name', '-created_at', 'updated_at').map((sort): [string, string] => ['sort', sort]),
);

const hostileListParam: fc.Arbitrary<[string, string]> = fc.oneof(
  { arbitrary: fc.tuple(fc.constant('q'), queryValue), weight: 3 },
  { arbitrary: fc.tuple(queryKey, fc.oneof({ arbitrary: queryValue, weight: 5 }, { arbitrary: brokenEncoding, weight: 1 })), weight: 4 },
);

const queryText = (pairs: [string, string][], equals = '=') =>
  pairs.map(([key, value]) => `${percentEncode(key).replace(/%5B/g, '[').replace(/%5D/g, ']')}${equals}${value}`).join('&');

/** GET /api/users: valid parameters with a hostile one among them, or any mess of parameters. */
export const listQuery: fc.Arbitrary<string> = fc.oneof(
  {
    arbitrary: fc
      .tuple(fc.array(validListParam, { maxLength: 4 }), fc.array(hostileListParam, { maxLength: 1 }), fc.nat())
      .map(([valid, hostile, at]) => {
        const pairs = [...valid];
        pairs.splice(at % (pairs.length + 1), 0, ...hostile);
        return queryText(pairs);
      }),
    weight: 4,
  },
  {
    arbitrary: fc
      .tuple(fc.array(hostileListParam, { maxLength: 6 }), fc.constantFrom('=', '=', '=', '', '=='))
      .map(([pairs, equals]) => (equals === '' ? pairs.map(([key]) => key).join('&') : queryText(pairs, equals))),
    weight: 1,
  },
);

const stray = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 12 },
  { arbitrary: fc.constantFrom('__proto__[x]=1', 'constructor[prototype][x]=1', 'a=%ZZ', 'x=' + 'y'.repeat(2000), '&&&', '=', '%00=%00'), weight: 1 },
);

// ---------------------------------------------------------------- routes

const registerModel: Model = { email, password: freshPassword, name: personName, username };
const profileModel: Model = {
  email,
  name: personName,
  username,
  image_path: imagePath,
  firstname: optionalName,
  lastname: optionalName,
  phone_number: phone,
};
const { email: _email, ...profileFields } = profileModel;
const adminCreateModel: Model = {
  email,
  password: freshPassword,
  name: personName,
  username,
  firstname: optionalName,
  lastname: optionalName,
  phone_number: phone,
  role,
  is_active: fc.boolean(),
  image_path: imagePath,
};
const adminUpdateFields: Model = { ...profileModel, role, is_active: fc.boolean(), id: fc.constantFrom<Json>(1, '1', 0, null) };
/** The seed document's names (password_hash, profileImage) or the real ones; both at once is 400. */
const { image_path: _imagePath, ...withoutImagePath } = adminUpdateFields;
const adminUpdateModels: Model[] = [
  { ...adminUpdateFields, password: freshPassword },
  { ...withoutImagePath, password_hash: freshPassword, profileImage: imagePath },
];
/** A field under both its names: always 400, so no model of the valid objects. */
const adminUpdateBothNames = validObject(
  { ...adminUpdateFields, password: freshPassword, password_hash: freshPassword, profileImage: imagePath },
  ['password', 'password_hash'],
);

const loginObject: fc.Arbitrary<Json> = fc
  .tuple(
    fc.constantFrom<Who>('self', 'self', 'self', 'admin', 'other'),
    fc.constantFrom('email', 'email', 'username', 'both'),
    style3,
    fc.option(mutation, { freq: 2 }),
  )
  .map(([who, by, style, change]): Json => {
    const entries: [string, Json][] = [];
    if (by !== 'username') entries.push(['email', { kind: 'email', who, style }]);
    if (by !== 'email') entries.push(['username', { kind: 'username', who, style: style === 'upper' ? 'upper' : 'plain' }]);
    entries.push(['password', { kind: 'password', who }]);
    return { kind: 'object', entries: change ? mutate(entries, change) : entries };
  });

const noBody = fc.constant(undefined);
const maybe = <T>(arbitrary: fc.Arbitrary<T>, freq = 8) => fc.option(arbitrary, { freq, nil: undefined });

interface RouteShape {
  route: RouteName;
  method: string;
  path: string;
  auth: 'user' | 'admin' | 'none';
  body: fc.Arbitrary<Body | undefined>;
  id?: boolean;
  query?: fc.Arbitrary<string | undefined>;
  ifMatch?: boolean;
  weight: number;
  /**
   * The percentage of the route's requests that are well formed (a working token, JSON, a slot's
   * id) with a valid object, where the hostile mix leaves too few 2xx to check the route's
   * writes and its floor of 2xx answers by.
   */
  wellFormed?: { percent: number; objects: fc.Arbitrary<[string, Json][]> };
}

const ROUTES: RouteShape[] = [
  { route: 'register', method: 'POST', path: '/auth/register', auth: 'none', body: routeBody(registerModel, ['email', 'password', 'name']), weight: 7 },
  { route: 'login', method: 'POST', path: '/auth/login', auth: 'none', body: bodyOf(loginObject), weight: 6 },
  {
    route: 'refresh',
    method: 'POST',
    path: '/auth/refresh',
    auth: 'none',
    body: routeBody({ refresh_token: refreshToken }, ['refresh_token']),
    weight: 3,
  },
  {
    route: 'logout',
    method: 'POST',
    path: '/auth/logout',
    auth: 'user',
    body: maybe(routeBody({ refresh_token: refreshToken }, []), 3),
    weight: 3,
  },
  { route: 'profile-get', method: 'GET', path: '/users', auth: 'user', body: noBody, weight: 3 },
  {
    route: 'profile-put',
    method: 'PUT',
    path: '/users',
    auth: 'user',
    // A new email goes with the current password.
    body: fc.oneof(routeBody(profileFields, []), routeBody({ ...profileModel, current_password: ownPassword() }, ['email', 'current_password'])),
    ifMatch: true,
    weight: 12,
  },
  {
    route: 'profile-delete',
    method: 'DELETE',
    path: '/users',
    auth: 'user',
    body: maybe(routeBody({ current_password: ownPassword() }, ['current_password']), 12),
    weight: 4,
  },
  {
    route: 'password',
    method: 'POST',
    path: '/users/password',
    auth: 'user',
    body: routeBody({ current_password: ownPassword(), new_password: freshPassword }, ['current_password', 'new_password']),
    weight: 6,
  },
  { route: 'admin-list', method: 'GET', path: '/api/users', auth: 'admin', body: noBody, query: listQuery, weight: 7 },
  {
    route: 'admin-create',
    method: 'POST',
    path: '/api/users',
    auth: 'admin',
    body: routeBody(adminCreateModel, ['email', 'password', 'name']),
    weight: 6,
    wellFormed: { percent: 20, objects: validObjects(adminCreateModel, ['email', 'password', 'name']) },
  },
  { route: 'admin-get', method: 'GET', path: '/api/users/', auth: 'admin', body: noBody, id: true, weight: 4 },
  {
    route: 'admin-put',
    method: 'PUT',
    path: '/api/users/',
    auth: 'admin',
    body: routeBody(adminUpdateModels, [], adminUpdateBothNames),
    id: true,
    ifMatch: true,
    weight: 12,
    wellFormed: { percent: 30, objects: validObjects(adminUpdateModels, []) },
  },
  {
    route: 'admin-delete',
    method: 'DELETE',
    path: '/api/users/',
    auth: 'admin',
    body: maybe(bodyOf(fuzzValue), 2),
    id: true,
    weight: 3,
  },
  { route: 'health', method: 'GET', path: '/health', auth: 'none', body: noBody, query: stray, weight: 1 },
  { route: 'ready', method: 'GET', path: '/health/ready', auth: 'none', body: noBody, query: stray, weight: 1 },
];

/** Known paths with a method they do not take, and near-miss paths. */
const oddRequest: fc.Arbitrary<RequestSpec> = fc
  .tuple(
    fc.constantFrom(
      ['PATCH', '/users'],
      ['GET', '/auth/login'],
      ['DELETE', '/auth/register'],
      ['PUT', '/api/users'],
      ['POST', '/api/users/'],
      ['PATCH', '/api/users/'],
      ['HEAD', '/users'],
      ['HEAD', '/api/users'],
      ['OPTIONS', '/api/users'],
      ['OPTIONS', '/users'],
      ['GET', '/users/'],
      ['GET', '/USERS'],
      ['GET', '/users/me'],
      ['GET', '/users//'],
      ['GET', '/api//users'],
      ['PUT', '/users/password'],
      ['GET', '/api/users/2147483647/extra'],
      ['POST', '/auth/login/'],
      ['POST', '/auth/../auth/login'],
      ['POST', '/auth/%2e%2e/users'],
      ['GET', '/%2e%2e/%2e%2e/etc/passwd'],
      ['GET', '/health%00'],
      ['GET', '/docs-json/..%2F..%2Fusers'],
      ['PUT', '/health'],
      ['DELETE', '/health/ready'],
    ),
    auth('admin'),
    contentType,
    maybe(bodyOf(fuzzValue), 2),
  )
  .map(([[method, path], authSpec, type, body]): RequestSpec => ({
    route: 'odd',
    method,
    path,
    auth: authSpec,
    contentType: type,
    body: method === 'GET' || method === 'HEAD' ? undefined : body,
  }));

const extraHeaders = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 10 },
  {
    arbitrary: fc.constantFrom<[string, string][]>(
      [['x-request-id', '../../etc/passwd']],
      [['x-forwarded-for', '127.0.0.1, 10.0.0.1']],
      [['accept', 'text/html']],
      [['accept', 'application/xml']],
      [['accept-encoding', 'gzip, br']],
      [['origin', 'https://evil.example.com']],
      [['content-encoding', 'gzip']],
      [['x-http-method-override', 'DELETE']],
      [['if-none-match', '*']],
      [['cookie', 'session=abc']],
    ),
    weight: 1,
  },
);

function routeRequest(shape: RouteShape): fc.Arbitrary<RequestSpec> {
  const hostile = fc.record({
    auth: auth(shape.auth),
    contentType,
    body: shape.body,
    id: shape.id ? pathId : fc.constant(undefined),
    query: shape.query ?? fc.constant(undefined),
    ifMatch: shape.ifMatch ? ifMatch : fc.constant(undefined),
    headers: extraHeaders,
  });
  const parts = shape.wellFormed
    ? fc.oneof({ arbitrary: hostile, weight: 100 - shape.wellFormed.percent }, { arbitrary: wellFormed(shape, shape.wellFormed.objects), weight: shape.wellFormed.percent })
    : hostile;
  return parts.map((fields): RequestSpec => ({ route: shape.route, method: shape.method, path: shape.path, ...fields }));
}

/** A request that only its body's values can make fail: a working token, JSON, a slot's id, a current If-Match or none. */
function wellFormed(shape: RouteShape, objects: fc.Arbitrary<[string, Json][]>) {
  const who = shape.auth;
  return fc.record({
    auth: who === 'none' ? fc.constant<Auth>({ kind: 'none' }) : fc.constantFrom(...WORKING_FORMS).map((form): Auth => ({ kind: 'token', who, form })),
    contentType: fc.constant(JSON_TYPE),
    body: objects.map((entries): Body => ({ kind: 'json', value: { kind: 'object', entries } })),
    id: shape.id ? fc.constantFrom<PathId>({ kind: 'slot', who: 'user' }, { kind: 'slot', who: 'user' }, { kind: 'slot', who: 'admin' }) : fc.constant(undefined),
    query: fc.constant(undefined),
    ifMatch: shape.ifMatch ? fc.constantFrom<IfMatch | undefined>(undefined, 'current', 'listed') : fc.constant(undefined),
    headers: fc.constant(undefined),
  });
}

/** One request to any route of the service, weighted toward the writes. */
export const requestSpec: fc.Arbitrary<RequestSpec> = fc.oneof(
  ...ROUTES.map((shape) => ({ arbitrary: routeRequest(shape), weight: shape.weight })),
  { arbitrary: oddRequest, weight: 2 },
);

/** Every route the fuzzer covers, for the coverage assertion. */
export const ROUTE_NAMES: RouteName[] = [...ROUTES.map(({ route }) => route), 'odd'];
