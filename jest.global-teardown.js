// Fails the run when a suite left files in the run's temporary directory (test/support/own-tmpdir.js).
module.exports = require('./test/support/own-tmpdir').teardown;
