/**
 * How the stack's value files (`stack-values.cjs`, `history.cjs`) read `--param` values: a
 * parameter as trimmed text ('' when unset), and a comma list of non-empty items.
 */

/** The parameter `name` as trimmed text; '' when it is not set. */
const text = async (resolveVariable, name) => {
  const value = await resolveVariable(`param:${name}`);
  return value === undefined || value === null ? '' : String(value).trim();
};

/** The non-empty, trimmed items of a comma list. */
const list = (value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

module.exports = { text, list };
