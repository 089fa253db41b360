export { hashPassword, verifyPassword, generatePassword } from './password.js';
export { ROLES, hasRole, type UserRole } from './roles.js';
export {
  createUser,
  findUserByEmail,
  getUser,
  listUsers,
  listActiveUsers,
  authenticate,
  changePassword,
  resetPassword,
  updateUser,
  NewUserInput,
  LOCKOUT_FAILURES,
  LOCKOUT_WINDOW_MS,
  MIN_PASSWORD_LENGTH,
  type User,
  type AccountActor,
  type AuthResult,
  type CreateUserResult,
  type PasswordChangeResult,
  type UserChanges,
  type AccountStore,
} from './users.js';
export { startSession, findSession, endSession, hashToken, SESSION_TTL_MS, type Session, type SessionStore } from './sessions.js';
