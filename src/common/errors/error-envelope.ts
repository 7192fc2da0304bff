import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One field's problems, as listed in `details` of a 400. */
export class FieldError {
  @ApiProperty({ example: 'title' })
  field!: string;

  @ApiProperty({ example: ['title must be shorter than or equal to 200 characters'] })
  messages!: string[];
}

/** The body of every non-2xx answer. */
export class ErrorEnvelope {
  @ApiProperty({ example: false, enum: [false] })
  success!: false;

  @ApiProperty({ type: 'integer', example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'Validation failed', description: 'A message for people' })
  error!: string;

  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'A stable code for programs' })
  code!: string;

  @ApiPropertyOptional({
    type: 'array',
    items: {},
    description: 'Field errors or other structured detail',
  })
  details?: unknown[];

  @ApiProperty({ example: '2f1c7f7e-3b4f-4a36-8d0e-9a3c4f3f2b1a' })
  requestId!: string;
}

/** Shape an HttpException's response may carry to set the envelope's code and details. */
export interface ErrorBody {
  message: string;
  code: string;
  details?: unknown[];
}

const CODES_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_ENTITY',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_ERROR',
  503: 'SERVICE_UNAVAILABLE',
};

export function defaultCode(status: number): string {
  return CODES_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'HTTP_ERROR');
}
