import { IntegerQueryField } from '../../../common/openapi/integer-query-field.decorator';

export class SessionEventsQuery {
  @IntegerQueryField({
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    example: 41,
    description:
      'Replay messages with seq greater than this before going live (a browser EventSource cannot ' +
      'set Last-Event-ID on its first request). The Last-Event-ID header wins when both are sent.',
  })
  after?: number;
}
