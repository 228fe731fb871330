// The filter lives in the URL's query string, so a view can be shared as a link.

/** URL parameter -> the queues' API parameter. */
const PARAMS = {
  severity: 'severity',
  plan: 'plan',
  customer: 'customerId',
  side: 'side',
  level: 'escalationLevel',
};

/** The filter the page's URL names (unknown values are left for the form to drop). */
export function filterFromUrl(search = location.search) {
  const query = new URLSearchParams(search);
  const filter = {};
  for (const name of Object.keys(PARAMS)) filter[name] = query.get(name) ?? '';
  return filter;
}

/** Writes the filter into the URL without reloading (and without a history entry per change). */
export function filterToUrl(filter) {
  const query = new URLSearchParams(location.search);
  for (const name of Object.keys(PARAMS)) {
    if (filter[name]) query.set(name, filter[name]);
    else query.delete(name);
  }
  const search = query.toString();
  history.replaceState(
    null,
    '',
    `${location.pathname}${search ? `?${search}` : ''}${location.hash}`,
  );
}

/** The filter as the queues' query parameters. */
export function apiParams(filter) {
  const params = {};
  for (const [name, param] of Object.entries(PARAMS))
    if (filter[name]) params[param] = filter[name];
  return params;
}

/** Puts `filter` into the form; a value the form does not offer is cleared. */
export function fillForm(form, filter) {
  for (const name of Object.keys(PARAMS)) {
    const field = form.elements.namedItem(name);
    field.value = filter[name];
    if (field.value !== filter[name]) field.value = '';
  }
}

/** The form's filter; a customer id that is not one (pattern) is left out. */
export function readForm(form) {
  const filter = {};
  for (const name of Object.keys(PARAMS)) {
    const field = form.elements.namedItem(name);
    filter[name] = field.validity.valid ? field.value.trim() : '';
  }
  return filter;
}
