import { Injectable, type PipeTransform } from '@nestjs/common';
import { InvalidRequestHeaderException } from './exceptions/invalid-request-header.exception';
import { type IfMatch, parseIfMatch } from './if-match';
import { RequestHeader } from './request-header.decorator';

/** A malformed If-Match is a 400 (INVALID_HEADER), not a silently ignored precondition. */
@Injectable()
export class IfMatchPipe implements PipeTransform<string | undefined, IfMatch> {
  transform(value: string | undefined): IfMatch {
    const parsed = parseIfMatch(value);
    if (parsed === null) {
      throw new InvalidRequestHeaderException(
        'If-Match',
        '* or a list of strong ETags as returned in ETag, e.g. "3"',
      );
    }
    return parsed;
  }
}

/** The parsed If-Match header of the request (undefined when absent). */
export const IfMatchHeader = (): ParameterDecorator => RequestHeader('if-match', IfMatchPipe);
