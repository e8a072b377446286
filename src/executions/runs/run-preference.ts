/** Sync or async (API §4.3): `?async=true|1`, or `Prefer: respond-async` (token, case-insensitive). */
export interface RunPreference {
  async: boolean;
  /** The Prefer header asked for it: answer with `Preference-Applied: respond-async`. */
  viaPrefer: boolean;
}

function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

export function preferRespondAsync(prefer: string | string[] | undefined): boolean {
  const values = Array.isArray(prefer) ? prefer : prefer === undefined ? [] : [prefer];
  return values.some((header) =>
    header.split(',').some((preference) => preference.split(';')[0].split('=')[0].trim().toLowerCase() === 'respond-async'),
  );
}

export function runPreference(asyncQuery: unknown, prefer: string | string[] | undefined): RunPreference {
  const raw = first(asyncQuery);
  const viaQuery = typeof raw === 'string' && ['true', '1'].includes(raw.trim().toLowerCase());
  const viaPrefer = preferRespondAsync(prefer);
  return { async: viaQuery || viaPrefer, viaPrefer };
}
