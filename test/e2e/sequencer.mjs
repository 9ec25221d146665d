// Jest's test sequencer for the e2e suite (jest.e2e.config.js): the long files first, so that the
// two workers finish together. With a timing cache Jest would do so itself; without one (a fresh
// clone, as in CI) it orders files by size, and real-coder, the longest, once started third.
import Sequencer from '@jest/test-sequencer';

/** The files that take longest, longest first (docs/testing.md gives their minutes). */
const LONGEST_FIRST = ['real-coder.e2e.ts', 'ha-observed.e2e.ts', 'real-upgrade.e2e.ts'];

const rank = (test) => {
  const index = LONGEST_FIRST.findIndex((file) => test.path.endsWith(`/${file}`));
  return index < 0 ? LONGEST_FIRST.length : index;
};

class LongestFirst extends Sequencer {
  async sort(tests) {
    // Array sort is stable: the others keep the order Jest gives them.
    return [...(await super.sort(tests))].sort((a, b) => rank(a) - rank(b));
  }
}

export default LongestFirst;
