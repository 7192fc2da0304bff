import { IntegerQueryField } from '../../common/openapi/integer-query-field.decorator';

export class ListMessagesQuery {
  @IntegerQueryField({
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    default: 0,
    example: 0,
    description: 'Return messages with seq greater than this (the last seq the client saw)',
  })
  after: number = 0;

  @IntegerQueryField({ minimum: 1, maximum: 100, default: 50, example: 50 })
  limit: number = 50;
}
