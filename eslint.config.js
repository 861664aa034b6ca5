// The lint lives in tools/lint (with its own TypeScript for the parser); this file only
// puts its config at the repository's root, which ESLint takes as the base of every pattern.
export { default } from './tools/lint/eslint.config.js';
