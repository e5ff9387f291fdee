/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  transform: { '^.+\\.m?[tj]sx?$': ['@swc/jest', { module: { type: 'commonjs' } }] },
  // msw's CommonJS build requires these ESM-only packages.
  transformIgnorePatterns: ['/node_modules/(?!(rettime|until-async|@open-draft/deferred-promise)/)'],
};
