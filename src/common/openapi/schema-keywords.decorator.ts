import { ApiSchema, type SchemaObject } from '@nestjs/swagger';

type SchemaKeywords = Pick<SchemaObject, 'description' | 'minProperties' | 'maxProperties'>;

/**
 * Schema-level keywords of a DTO's component schema. @ApiSchema copies every option but `name`
 * into the schema (SchemaObjectFactory.getSchemaMetadata in @nestjs/swagger 11), though its
 * options type names `description` only; test/sessions/sessions-openapi.e2e-spec.ts proves the
 * keywords land in the document.
 */
export function ApiSchemaKeywords(keywords: SchemaKeywords): ClassDecorator {
  return ApiSchema(keywords);
}
