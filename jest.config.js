/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  transform: { '^.+\\.m?[tj]sx?$': ['@swc/jest', { module: { type: 'commonjs' } }] },
  // Examples import the package by name, as a user's code does; in this repository that name means the sources.
  moduleNameMapper: { '^virtual-boron$': '<rootDir>/src/index.ts' },
  // msw's CommonJS build requires these ESM-only packages.
  transformIgnorePatterns: ['/node_modules/(?!(rettime|until-async|@open-draft/deferred-promise)/)'],
};
