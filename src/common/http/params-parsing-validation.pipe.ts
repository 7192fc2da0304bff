import { type ArgumentMetadata, Injectable, ValidationPipe } from '@nestjs/common';

/**
 * The static side of a route-parameter class that checks itself: `parseParams` takes the route's
 * raw parameters and returns the instance, or throws exactly what the ValidationPipe would have.
 */
export interface ParsesOwnParams<T = unknown> {
  parseParams(params: Record<string, unknown>): T;
}

const parsesOwnParams = (metatype: unknown): metatype is ParsesOwnParams =>
  typeof (metatype as Partial<ParsesOwnParams> | undefined)?.parseParams === 'function';

/**
 * The ValidationPipe, except for `@Param()` classes that declare `parseParams` (e.g. a session's
 * `:id`): for a UUID path parameter class-transformer plus class-validator cost a measurable share
 * of a simple GET's CPU, and a dedicated check answers the same 400 (bench/README.md, "HTTP").
 */
@Injectable()
export class ParamsParsingValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (
      metadata.type === 'param' &&
      metadata.data === undefined &&
      parsesOwnParams(metadata.metatype)
    ) {
      return metadata.metatype.parseParams(value as Record<string, unknown>);
    }
    return super.transform(value, metadata);
  }
}
