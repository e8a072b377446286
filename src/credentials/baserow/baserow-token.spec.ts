import { authorizationFor, isJwtShaped } from './baserow-token.js';

describe('Baserow token kind (API §8)', () => {
  it('JWT-shaped tokens (three base64url segments, first starting eyJ) use the JWT scheme', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoxfQ.dGhlLXNpZ25hdHVyZQ';
    expect(isJwtShaped(jwt)).toBe(true);
    expect(authorizationFor(jwt)).toBe(`JWT ${jwt}`);
  });

  it.each([
    'Zk8aP2qL9xY3mN7vB1cD4eF6gH0jK5sT', // a database token
    'eyJabc.def', // two segments
    'eyJa.b.c.d', // four segments
    'abc.def.ghi', // first segment does not start eyJ
    'eyJa.b+c.d', // not base64url
    'eyJa..d', // empty middle segment
  ])('%s is a database token', (token) => {
    expect(isJwtShaped(token)).toBe(false);
    expect(authorizationFor(token)).toBe(`Token ${token}`);
  });
});
