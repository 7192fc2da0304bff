import type { EmbeddedDatabase } from '../../src/database/embedded-postgres';

/** State shared between global setup and teardown (both run in Jest's parent process). */
export const testRun: { embedded?: EmbeddedDatabase; serverUrl?: string; database?: string } = {};
