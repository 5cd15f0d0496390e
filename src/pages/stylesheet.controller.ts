import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Public } from '../access/public.decorator';

/** The pages' one stylesheet: read once, next to the templates in dist/ (nest-cli.json assets). */
const STYLESHEET = readFileSync(join(__dirname, 'assets', 'style.css'), 'utf8');

/** GET /pages/style.css: the same for everyone, so browsers may keep it a day. */
@ApiExcludeController()
@Public()
@Controller('pages')
export class StylesheetController {
  @Get('style.css')
  @Header('content-type', 'text/css; charset=utf-8')
  @Header('cache-control', 'public, max-age=86400')
  stylesheet(): string {
    return STYLESHEET;
  }
}
