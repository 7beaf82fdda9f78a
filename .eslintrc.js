const { createConfigForRole } = require('@backstage/cli/config/eslint-factory');

// bench/ and e2e/ are scripts outside every package, so `backstage-cli repo
// lint` (which lints package by package) never reaches them, and without a
// parser ESLint cannot read their TypeScript. Here they get the rules of a
// Node package, for `eslint --ext .ts,.js,.cjs bench e2e`.
const { ignorePatterns, ...scripts } = createConfigForRole(
  __dirname,
  'node-library',
);

module.exports = {
  root: true,
  overrides: [{ files: ['bench/**', 'e2e/**'], ...scripts }],
};
