import type {
  OpenAPIObject,
  OperationObject,
  ReferenceObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger';
import { errorResponse } from './error-response';
import { GLOBAL_ERROR_RESPONSES, type GlobalErrorResponse } from './global-error-responses';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type Schema = SchemaObject | ReferenceObject;

const isReference = (schema: Schema): schema is ReferenceObject => '$ref' in schema;

/** The component schemas a schema names, directly or through its properties and combinators. */
function referencedSchemaNames(schema: Schema, schemas: Record<string, Schema>, seen: Set<string>) {
  if (isReference(schema)) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = schemas[name];
    if (!seen.has(name) && target !== undefined) {
      seen.add(name);
      referencedSchemaNames(target, schemas, seen);
    }
    return;
  }
  const children = [
    ...Object.values(schema.properties ?? {}),
    ...(schema.items ? [schema.items] : []),
    ...(schema.allOf ?? []),
    ...(schema.oneOf ?? []),
    ...(schema.anyOf ?? []),
  ];
  children.forEach((child) => referencedSchemaNames(child, schemas, seen));
}

/**
 * The global ValidationPipe runs with forbidNonWhitelisted: an unknown property in any request
 * body (or in an object nested in it) is a 400. Said once here for every body, as the pipe is
 * registered once, so a new DTO cannot forget it.
 */
function closeRequestBodies(document: OpenAPIObject, operations: OperationObject[]): void {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  const names = new Set<string>();
  for (const { requestBody } of operations) {
    if (requestBody !== undefined && !('$ref' in requestBody)) {
      Object.values(requestBody.content).forEach(({ schema }) => {
        if (schema !== undefined) {
          referencedSchemaNames(schema, schemas, names);
        }
      });
    }
  }
  for (const name of names) {
    const schema = schemas[name];
    if (schema !== undefined && !isReference(schema) && schema.properties !== undefined) {
      schema.additionalProperties ??= false;
    }
  }
}

/** Adds `rule` to an operation; a status it already documents gains the rule's cause instead. */
function addGlobalResponse(operation: OperationObject, rule: GlobalErrorResponse): void {
  const status = String(rule.status);
  const existing = operation.responses[status] as ResponseObject | undefined;
  if (existing === undefined) {
    operation.responses[status] = errorResponse(rule.status, rule);
  } else if (!existing.description.includes(rule.code)) {
    const cause = rule.description.charAt(0).toLowerCase() + rule.description.slice(1);
    existing.description = `${existing.description}; or ${cause}`;
  }
}

/**
 * What @nestjs/swagger cannot derive from one controller's decorators: the facts of the global
 * stack (ValidationPipe, body parser, middleware, filter), stated once for every route they
 * concern. Mutates and returns `document`.
 */
export function completeApiDocument(
  document: OpenAPIObject,
  options: { apiPrefix: string },
): OpenAPIObject {
  const operations: OperationObject[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation === undefined) {
        continue;
      }
      operations.push(operation);
      const site = { path, method, operation, inApi: path.startsWith(`/${options.apiPrefix}/`) };
      GLOBAL_ERROR_RESPONSES.filter((rule) => rule.appliesTo(site)).forEach((rule) =>
        addGlobalResponse(operation, rule),
      );
    }
  }
  closeRequestBodies(document, operations);
  return document;
}
