import { databasesFromAllTables, databasesFromApplications, tablesFrom, UnexpectedShapeError } from './baserow-responses.js';

describe('Baserow response mapping (API §8)', () => {
  it('applications: keeps databases, takes workspace.name, else legacy group.name, else ""', () => {
    const body = [
      { id: 1, name: 'A', type: 'database', workspace: { id: 9, name: 'WS' } },
      { id: 2, name: 'Site', type: 'builder', workspace: { id: 9, name: 'WS' } },
      { id: 3, name: 'B', type: 'database', group: { id: 8, name: 'Grp' } },
      { id: 4, name: 'C', type: 'database', workspace: null },
      { id: 'x', name: 'bad id', type: 'database' },
      null,
    ];
    expect(databasesFromApplications(body)).toEqual([
      { id: 1, name: 'A', workspaceName: 'WS' },
      { id: 3, name: 'B', workspaceName: 'Grp' },
      { id: 4, name: 'C', workspaceName: '' },
    ]);
  });

  const allTables = [
    { id: 10, name: 'T10', order: 1, database_id: 5 },
    { id: 11, name: 'T11', order: 2, database_id: 7 },
    { id: 12, name: 'T12', order: 3, database_id: 5 },
    { id: 13, name: 'no db' },
  ];

  it('all-tables: one "Database <id>" per database_id, first appearance first', () => {
    expect(databasesFromAllTables(allTables)).toEqual([
      { id: 5, name: 'Database 5', workspaceName: '' },
      { id: 7, name: 'Database 7', workspaceName: '' },
    ]);
  });

  it('tables: all, or filtered by database_id', () => {
    expect(tablesFrom(allTables, 5)).toEqual([
      { id: 10, name: 'T10' },
      { id: 12, name: 'T12' },
    ]);
    expect(tablesFrom(allTables.slice(0, 2))).toEqual([
      { id: 10, name: 'T10' },
      { id: 11, name: 'T11' },
    ]);
    expect(tablesFrom(allTables, 99)).toEqual([]);
  });

  it('a body that is not an array is an unexpected shape', () => {
    for (const parse of [databasesFromApplications, databasesFromAllTables, (b: unknown) => tablesFrom(b)]) {
      expect(() => parse({ results: [] })).toThrow(UnexpectedShapeError);
      expect(() => parse(null)).toThrow(UnexpectedShapeError);
    }
  });
});
