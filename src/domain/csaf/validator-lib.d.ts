// @secvisogram/csaf-validator-lib ships JavaScript without type declarations; validate.ts gives the
// modules it loads their types.
declare module '@secvisogram/csaf-validator-lib/validate.js';
declare module '@secvisogram/csaf-validator-lib/mandatoryTests.js';
declare module '@secvisogram/csaf-validator-lib/schemaTests.js';
