// API keys: long-lived bearer credentials for MCP clients and scripts.
//
// A key reads `tck_` + the owner's id (22 base64url characters) + 43 random
// base64url characters. Carrying the owner lets the server look the key up
// inside that user's row-level-security scope, like every other query.

export const API_KEY_PREFIX = 'tck_';
export const API_KEY_NAME_MAX = 100;

export interface ApiKey {
  id: string;
  name: string;
  /** The key's last characters, to tell keys apart: `tck_…x7Qa`. */
  hint: string;
  createdAt: Date;
  /** When the key last signed a request in (to the minute), or null if never. */
  lastUsedAt: Date | null;
}

export interface CreatedApiKey {
  apiKey: ApiKey;
  /** The key itself. Shown this once: only its hash is stored. */
  key: string;
}
