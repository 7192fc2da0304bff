/** Matches any body in the error envelope; spread it and pin what a test cares about. */
export const ENVELOPE = {
  success: false,
  statusCode: expect.any(Number) as number,
  error: expect.any(String) as string,
  code: expect.any(String) as string,
  requestId: expect.any(String) as string,
};
