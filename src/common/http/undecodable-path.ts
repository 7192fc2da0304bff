import { BadRequestException } from '@nestjs/common';

/**
 * A request path whose percent-encoding does not decode to UTF-8 (`%C3%28`, `%E0%A4%A`, `%zz`) is
 * a 400 before routing, whichever route it looks like: Express would only find out while decoding
 * a matched route's parameter, and answer a path no route has with a 404 instead. Paths without
 * `%` are not decoded at all, so the check costs nothing on the usual request.
 */
export function undecodablePath(url: string | undefined): BadRequestException | undefined {
  if (url === undefined || !url.includes('%')) {
    return undefined;
  }
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  try {
    decodeURIComponent(path);
    return undefined;
  } catch {
    return new BadRequestException(`The request path is not valid percent-encoded UTF-8`);
  }
}
