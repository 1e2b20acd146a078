/**
 * The `eskeys.config.json` init writes when the project has none: where templates live and,
 * when a cluster URL was given, the default environment's URL (never credentials: those stay
 * in ESKEYS_* variables or `.eskeys.env`).
 */
export function initialProjectConfig(templatesDir: string, url: string | undefined): Record<string, unknown> {
  return {
    templates_dir: templatesDir,
    state_dir: '.eskeys',
    ...(url ? { environments: { default: { connection: { url } } } } : {}),
  };
}
