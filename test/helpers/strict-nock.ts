/**
 * nock for a test file that talks to one HTTP service: no real network, and
 * every expectation a test set must have been met by its end.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

export function useStrictNock(): void {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
  afterAll(() => nock.enableNetConnect());
}
