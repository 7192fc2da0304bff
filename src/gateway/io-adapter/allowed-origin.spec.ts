import { originAllowed } from './allowed-origin';

describe('originAllowed', () => {
  const list = ['https://app.example.com', 'http://localhost:5173'];

  it('should let listed origins in and keep others out', () => {
    expect(originAllowed('https://app.example.com', list)).toBe(true);
    expect(originAllowed('http://localhost:5173', list)).toBe(true);
    expect(originAllowed('https://evil.example.com', list)).toBe(false);
    expect(originAllowed('https://app.example.com.evil.com', list)).toBe(false);
    expect(originAllowed('null', list)).toBe(false);
  });

  it('should let everyone in without a list or with *', () => {
    expect(originAllowed('https://evil.example.com', undefined)).toBe(true);
    expect(originAllowed('https://evil.example.com', '*')).toBe(true);
  });

  it('should let a client without Origin (not a browser) in', () => {
    expect(originAllowed(undefined, list)).toBe(true);
  });
});
