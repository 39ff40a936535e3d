export interface User {
  id: string;
  email: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewUser {
  email: string;
  /** Omitted for users who sign in elsewhere and never hold a password here. */
  password?: string | undefined;
}
