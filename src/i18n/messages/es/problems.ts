/** Spanish problems texts: the keys of the English file, each translated (messages/index.ts types them). */
export const problems = {};
