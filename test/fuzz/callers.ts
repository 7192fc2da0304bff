import { AUTH_ON, hs256Token } from '../support/tokens';

/**
 * Who the fuzz acts as. Each caller names the settings its app runs with and the headers that
 * identify it as `ownerId` (the suite's own owner, so its data is apart from every other suite's);
 * the fuzz's own junk headers (a junk Authorization among them) are laid over these on some
 * requests.
 *
 * With authentication off every request acts as the one local principal (LOCAL_OWNER_ID, set to
 * `ownerId`): one caller sends nothing, the other what the local client sends. With bearer
 * authentication on, the third signs a token whose `sub` is `ownerId`.
 */
export interface FuzzCaller {
  label: string;
  env(ownerId: string): Record<string, string>;
  headers(ownerId: string): Promise<Record<string, string>>;
}

const localOwner = (ownerId: string): Record<string, string> => ({ LOCAL_OWNER_ID: ownerId });

export const ANONYMOUS: FuzzCaller = {
  label: 'anonymous',
  env: localOwner,
  headers: () => Promise.resolve({}),
};

export const LOCAL_PRINCIPAL: FuzzCaller = {
  label: 'local principal',
  env: localOwner,
  headers: () => Promise.resolve({ Accept: 'application/json' }),
};

export const BEARER_USER: FuzzCaller = {
  label: 'authenticated user (bearer JWT)',
  env: () => AUTH_ON,
  headers: async (ownerId) => ({
    Authorization: `Bearer ${await hs256Token({ subject: ownerId, expiresIn: 3600 })}`,
  }),
};

export const CALLERS: readonly FuzzCaller[] = [ANONYMOUS, LOCAL_PRINCIPAL, BEARER_USER];
