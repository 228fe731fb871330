// The engine's API as the page uses it: a bearer token kept for this tab, JSON in, problems out.

const TOKEN_KEY = 'incident-engine.dashboard.token';

export const tokenStore = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** An answer other than 2xx; `problem` is its problem+json body when it has one. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? `The engine answered ${status}.`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }
}

/** GET a JSON resource with the tab's token. A network failure rejects with a TypeError. */
export async function getJson(path, token = tokenStore.get()) {
  const response = await fetch(path, {
    headers: { accept: 'application/json', authorization: `Bearer ${token ?? ''}` },
    cache: 'no-store',
  });
  if (!response.ok) {
    let problem = null;
    try {
      problem = await response.json();
    } catch {
      // not a problem document
    }
    throw new ApiError(response.status, problem);
  }
  return response.json();
}

/** `{ severity: '2', plan: '' }` -> `severity=2` (empty values left out). */
export function queryString(params) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') query.set(name, String(value));
  return query.toString();
}
