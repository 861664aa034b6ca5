/** The repository's one formatting style (checked in CI: `pnpm --filter @parley/lint format:check`). */
export default {
  printWidth: 120,
  singleQuote: true,
  trailingComma: 'all',
  semi: true,
};
