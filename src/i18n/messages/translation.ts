/** A language's texts: the English file's keys, every one of them, each a string. */
export type Translation<T> = { [K in keyof T]: T[K] extends string ? string : Translation<T[K]> };

/** i18next's plural forms (`day_one`, `day_other`): one key for a caller, given a `count`. */
type PluralBase<K extends string> = K extends `${infer Base}_${'zero' | 'one' | 'two' | 'few' | 'many' | 'other'}` ? Base : K;

/** Every key of `T` as a dotted path, as i18next reads it ("problems.INVALID_TOKEN"). */
export type KeyPaths<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${PluralBase<K>}` : KeyPaths<T[K], `${Prefix}${K}.`>;
}[keyof T & string];
