import { takeResponseProblems } from './response-watch';

/**
 * Every e2e suite: what the apps under test answered during a test (and its hooks) must agree
 * with their OpenAPI document, or the test fails with the disagreements listed.
 */
function assertResponsesAgreeWithDocument(): void {
  const problems = takeResponseProblems();
  if (problems.length > 0) {
    throw new Error(
      `${problems.length} response(s) disagree with the OpenAPI document:\n\n${problems.join('\n\n')}`,
    );
  }
}

afterEach(assertResponsesAgreeWithDocument);
afterAll(assertResponsesAgreeWithDocument);
