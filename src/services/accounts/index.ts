export { hashPassword, verifyPassword, generatePassword } from './password.js';
export { ROLES, hasRole, type UserRole } from './roles.js';
export {
  createUser,
  findUserByEmail,
  getUser,
  listUsers,
  listActiveUsers,
  authenticate,
  secondFactorFailed,
  secondFactorThrottled,
  changePassword,
  setFirstPassword,
  resetPassword,
  updateUser,
  NewUserInput,
  MIN_PASSWORD_LENGTH,
  type User,
  type AccountActor,
  type AttemptContext,
  type AuthResult,
  type CreateUserResult,
  type PasswordChangeResult,
  type UserChanges,
  type AccountStore,
} from './users.js';
export { startSession, findSession, endSession, hashToken, SESSION_TTL_MS, type Session, type SessionStore } from './sessions.js';
export { THROTTLE, delayAfter } from './throttle.js';
export { accountSetupStep, twoFactorRequired, newTotpSecret, totpUri, verifyTotp, enableTwoFactor, disableTwoFactor, checkSecondFactor, type EnableTwoFactorResult } from './two-factor.js';
export { areaScope, inAreaScope, conversationAccess, caseAccess, recordView, caseViewers, type AccessDecision } from './access.js';
export { listApiTokens, revokeApiTokenById, revokeApiTokensByName, type ApiTokenListItem } from './api-tokens-admin.js';
