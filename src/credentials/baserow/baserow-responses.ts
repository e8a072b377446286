/** Shapes returned by the Baserow proxy routes (API §8). */
export interface BaserowDatabase {
  id: number;
  name: string;
  workspaceName: string;
}

export interface BaserowTableRef {
  id: number;
  name: string;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Thrown when a 2xx body does not have the documented shape. */
export class UnexpectedShapeError extends Error {}

function asArray(body: unknown, what: string): unknown[] {
  if (!Array.isArray(body)) throw new UnexpectedShapeError(`${what} is not a JSON array`);
  return body;
}

function nameOf(holder: unknown): string | undefined {
  return isObj(holder) && typeof holder.name === 'string' ? holder.name : undefined;
}

/** `GET /api/applications/` (JWT): database items only; workspace name, else legacy group name, else "". */
export function databasesFromApplications(body: unknown): BaserowDatabase[] {
  return asArray(body, 'the application list')
    .filter((item): item is Obj => isObj(item) && item.type === 'database' && isId(item.id))
    .map((item) => ({ id: item.id as number, name: text(item.name), workspaceName: nameOf(item.workspace) ?? nameOf(item.group) ?? '' }));
}

interface TableItem {
  id: number;
  name: string;
  databaseId: number;
}

function tableItems(body: unknown, what: string): TableItem[] {
  return asArray(body, what)
    .filter((item): item is Obj => isObj(item) && isId(item.id))
    .map((item) => ({ id: item.id as number, name: text(item.name), databaseId: isId(item.database_id) ? item.database_id : NaN }));
}

/**
 * `GET /api/database/tables/all-tables/` (database token): one entry per `database_id`, in order
 * of first appearance. Database tokens cannot read application names.
 */
export function databasesFromAllTables(body: unknown): BaserowDatabase[] {
  const seen = new Set<number>();
  const out: BaserowDatabase[] = [];
  for (const t of tableItems(body, 'the table list')) {
    if (Number.isNaN(t.databaseId) || seen.has(t.databaseId)) continue;
    seen.add(t.databaseId);
    out.push({ id: t.databaseId, name: `Database ${t.databaseId}`, workspaceName: '' });
  }
  return out;
}

/** Tables of one database; `databaseId` filters an all-tables answer (database token). */
export function tablesFrom(body: unknown, databaseId?: number): BaserowTableRef[] {
  return tableItems(body, 'the table list')
    .filter((t) => databaseId === undefined || t.databaseId === databaseId)
    .map((t) => ({ id: t.id, name: t.name }));
}
