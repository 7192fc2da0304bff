/**
 * Who the fuzz acts as. Each caller supplies the headers that identify it; the fuzz's own junk
 * headers (a junk Authorization among them) are laid over these on some requests.
 *
 * With authentication off every request acts as the one local principal (LOCAL_OWNER_ID), so
 * both callers below reach the same data: one sends nothing, the other what the local client
 * sends. With bearer authentication on, a caller that signs a token is one more line here, e.g.
 * `{ label: 'bearer user', headers: async () => ({ Authorization: `Bearer ${await sign()}` }) }`.
 */
export interface FuzzCaller {
  label: string;
  headers(): Promise<Record<string, string>>;
}

export const ANONYMOUS: FuzzCaller = { label: 'anonymous', headers: () => Promise.resolve({}) };

export const LOCAL_PRINCIPAL: FuzzCaller = {
  label: 'local principal',
  headers: () => Promise.resolve({ Accept: 'application/json' }),
};

export const CALLERS: readonly FuzzCaller[] = [ANONYMOUS, LOCAL_PRINCIPAL];
