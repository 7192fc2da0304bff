import type { EmbeddedDatabase } from '../../src/database/embedded-postgres';
import type { CreatedDatabase } from './create-database';

/** State shared between global setup and teardown (both run in Jest's parent process). */
export const testRun: { embedded?: EmbeddedDatabase; database?: CreatedDatabase } = {};
