import { PreconditionFailedException } from '@nestjs/common';

/** If-Match named a version that is no longer current: someone else changed the session. */
export class VersionMismatchException extends PreconditionFailedException {
  constructor(currentVersion: number) {
    super({
      message: 'The session was changed since you read it (If-Match does not match)',
      code: 'VERSION_MISMATCH',
      details: [{ currentVersion, currentETag: `"${currentVersion}"` }],
    });
  }
}
