import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ifNoneMatchNames } from '../common/http/entity-tag';
import { headerRef } from '../common/openapi/response-headers';
import type { FastifyReply } from 'fastify';
import { ApiProblems } from '../common/problems/api-problems.decorator';
import { ErrorCode } from '../common/problems/error-code.enum';
import { problem } from '../common/problems/problem.exception';
import { Public } from '../access/public.decorator';
import { hashOfName } from './avatar-name';
import { AvatarsService } from './avatars.service';

/**
 * A picture's bytes never change under its name (the hash of those bytes), so any cache may keep
 * it for good; and a frontend on another origin may show it in an <img>, which helmet's
 * Cross-Origin-Resource-Policy of same-origin would block.
 */
const SERVED_HEADERS = {
  'cache-control': 'public, max-age=31536000, immutable',
  'cross-origin-resource-policy': 'cross-origin',
};

/** What a picture's 200 and 304 carry (SERVED_HEADERS and its ETag), for the OpenAPI document. */
const PICTURE_HEADERS = {
  'Cache-Control': headerRef('Cache-Control-Immutable'),
  ETag: headerRef('ETag-Picture'),
  'Cross-Origin-Resource-Policy': headerRef('Cross-Origin-Resource-Policy'),
};

/** The stored pictures, to anyone: their names cannot be guessed. */
@ApiTags('avatars')
@Public()
@Controller('avatars')
export class AvatarsController {
  constructor(private readonly avatars: AvatarsService) {}

  @Get(':name')
  @ApiOperation({ operationId: 'getAvatar', summary: 'A profile picture, by the name in image_path' })
  @ApiProduces('image/webp')
  @ApiHeader({ name: 'If-None-Match', required: false, description: "the picture's ETag: 304 without the bytes when it names them" })
  @ApiOkResponse({ description: 'The picture (WebP)', schema: { type: 'string', format: 'binary' }, headers: PICTURE_HEADERS })
  @ApiResponse({ status: 304, description: 'Not modified: If-None-Match named this picture', headers: PICTURE_HEADERS })
  @ApiProblems(ErrorCode.AVATAR_NOT_FOUND)
  async get(
    @Param('name') name: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer | undefined> {
    const hash = hashOfName(name);
    if (!hash) throw problem(ErrorCode.AVATAR_NOT_FOUND);
    const etag = `"${hash}"`;
    // The bytes under a name never change: a client that has them needs no read of them.
    if (ifNoneMatchNames(ifNoneMatch, etag)) {
      void reply.status(304).headers({ ...SERVED_HEADERS, etag });
      return undefined;
    }
    const bytes = await this.avatars.bytesOf(hash);
    if (!bytes) throw problem(ErrorCode.AVATAR_NOT_FOUND);
    void reply.headers({ ...SERVED_HEADERS, etag }).type('image/webp');
    return bytes;
  }
}

