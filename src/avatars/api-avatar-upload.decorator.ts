import { applyDecorators, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBody, ApiConsumes, ApiOkResponse } from '@nestjs/swagger';
import { ApiProblems } from '../common/problems/api-problems.decorator';
import { ErrorCode } from '../common/problems/error-code.enum';
import { MULTIPART_ROUTE } from '../common/http/json-only.hook';
import { UserView } from '../users/user-view';
import { AvatarUploadQuotaGuard } from './avatar-upload-quota.guard';
import { FILE_FIELD } from './uploaded-file';

/**
 * An upload route: multipart/form-data with one part, the picture, answered with the account
 * (Swagger UI shows a file chooser for it), within the caller's AVATAR_UPLOADS_PER_HOUR.
 */
export const ApiAvatarUpload = () =>
  applyDecorators(
    RouteConfig(MULTIPART_ROUTE),
    UseGuards(AvatarUploadQuotaGuard),
    ApiConsumes('multipart/form-data'),
    ApiBody({
      schema: {
        type: 'object',
        required: [FILE_FIELD],
        properties: {
          [FILE_FIELD]: {
            type: 'string',
            format: 'binary',
            description: 'A JPEG, PNG, WebP or GIF (its first frame); stored as WebP, at most 512 × 512',
          },
        },
      },
    }),
    ApiOkResponse({ type: UserView, description: "The account, whose image_path is the picture's /avatars/<hash>.webp" }),
    ApiProblems(
      ErrorCode.INVALID_IMAGE,
      ErrorCode.VALIDATION_FAILED,
      ErrorCode.PAYLOAD_TOO_LARGE,
      ErrorCode.UNSUPPORTED_MEDIA_TYPE,
      ErrorCode.RATE_LIMITED,
      // One 503 with both: the route's own would hide the class's.
      ErrorCode.SERVICE_UNAVAILABLE,
      ErrorCode.AVATAR_BUSY,
    ),
  );
