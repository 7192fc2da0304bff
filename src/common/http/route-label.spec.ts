import type { IncomingMessage } from 'node:http';
import { routeLabel, UNMATCHED_ROUTE } from './route-label';

const requestWith = (route: unknown): IncomingMessage => ({ route }) as unknown as IncomingMessage;

describe('routeLabel', () => {
  it('should use the template of the handler route', () => {
    expect(routeLabel(requestWith({ path: '/api/sessions/:id', methods: { get: true } }))).toBe(
      '/api/sessions/:id',
    );
  });

  it('should count a request no route matched as unmatched', () => {
    expect(routeLabel(requestWith(undefined))).toBe(UNMATCHED_ROUTE);
  });

  it("should not take a middleware's catch-all route for a handler", () => {
    const everyMethod = { get: true, post: true, put: true, delete: true, patch: true };
    expect(routeLabel(requestWith({ path: '/api/*path', methods: everyMethod }))).toBe(
      UNMATCHED_ROUTE,
    );
    expect(routeLabel(requestWith({ path: '/api/*path', methods: { _all: true } }))).toBe(
      UNMATCHED_ROUTE,
    );
  });
});
