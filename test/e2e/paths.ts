/** Paths the e2e suite shares with the unit suites. */
import { join } from 'node:path';
export { CHART_DIR, PACKAGE_ROOT } from '../../src/paths';
import { FIXTURES_DIR } from '../support/fixtures';

export const FIXTURES = FIXTURES_DIR;
export const EDGE_FIXTURES = join(FIXTURES_DIR, 'edge-valid');
