import { join } from 'node:path';

/** Where the pages' eta templates are: src/pages/views, or dist/pages/views (nest-cli.json assets). */
export const PAGE_VIEWS_DIR = join(__dirname, 'views');
