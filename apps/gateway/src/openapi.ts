import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Party-building work platform API 黨建工作平台接口')
    .setDescription(
      'REST API of the city education bureau party-building platform, for schools, bureaus and their systems. ' +
        '市教育局黨建工作平台接口，供學校、教育局及其系統調用。Errors are application/problem+json; ' +
        'Accept-Language selects zh-Hans (default) or en.',
    )
    .setVersion('1.0.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  return SwaggerModule.createDocument(app, config);
}

export function serveOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, buildOpenApi(app), { jsonDocumentUrl: 'docs/openapi.json' });
}
