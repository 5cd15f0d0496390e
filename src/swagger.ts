import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { completeContract } from './common/openapi/complete-contract';

export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('User accounts')
    .setDescription(
      'Sign up, log in and edit your own profile (`/auth`, `/users`); administrators manage ' +
        'every account (`/api/users`). Errors are application/problem+json with a stable `code`.',
    )
    .setVersion('1.0')
    // Relative: the service that serves the document (at /docs-json) is the one it describes,
    // whatever its PUBLIC_URL or the proxy in front of it.
    .addServer('/')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  // package.json's: not licensed for use outside its owner.
  config.info.license = { name: 'UNLICENSED' };
  return completeContract(SwaggerModule.createDocument(app, config));
}

/** Swagger UI at /docs and the OpenAPI document at /docs-json. */
export function setupSwagger(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => openApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
}
