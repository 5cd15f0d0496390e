/** English pages texts: the source every other language mirrors (see ../translation.ts). */
export const pages = {};
