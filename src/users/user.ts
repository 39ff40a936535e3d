export interface User {
  id: string;
  email: string;
  /** IANA name; "today" and "tomorrow" are the user's days there. */
  timeZone: string;
  /** False for someone who signs in elsewhere and holds no password here. */
  hasPassword: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewUser {
  email: string;
  /** Omitted for users who sign in elsewhere and never hold a password here. */
  password?: string | undefined;
}
