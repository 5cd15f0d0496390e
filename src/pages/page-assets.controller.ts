import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Public } from '../access/public.decorator';

/** The pages' files: read once, next to the templates in dist/ (nest-cli.json assets). */
const asset = (name: string) => readFileSync(join(__dirname, 'assets', name), 'utf8');
const STYLESHEET = asset('style.css');
// Browsers ask for an icon with every page: without one, each page view logs a 404.
const ICON = asset('icon.svg');

/** GET /pages/style.css and /pages/icon.svg: the same for everyone, so browsers may keep them a day. */
@ApiExcludeController()
@Public()
@Controller('pages')
export class PageAssetsController {
  @Get('style.css')
  @Header('content-type', 'text/css; charset=utf-8')
  @Header('cache-control', 'public, max-age=86400')
  stylesheet(): string {
    return STYLESHEET;
  }

  @Get('icon.svg')
  @Header('content-type', 'image/svg+xml')
  @Header('cache-control', 'public, max-age=86400')
  icon(): string {
    return ICON;
  }
}
