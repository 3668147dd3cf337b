/**
 * Resolves like Jest does, then retries with the `import` condition for ESM-only packages
 * (their `exports` map has no `require` entry). A global customExportConditions would change
 * resolution for every package; this only kicks in when the default fails.
 */
module.exports = (request, options) => {
  try {
    return options.defaultResolver(request, options);
  } catch (error) {
    try {
      return options.defaultResolver(request, { ...options, conditions: ['import', 'node', 'default'] });
    } catch {
      throw error;
    }
  }
};
