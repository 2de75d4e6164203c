// Committed reference outputs written by tools/reference/*.py.
import * as path from 'node:path';

export const REFERENCE_FIXTURES = path.resolve(__dirname, '../../../tools/reference/fixtures');
