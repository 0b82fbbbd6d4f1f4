import type { AnyRoute } from '../route';
import { listAuditRoute } from './admin/audit';
import {
  createApiKeyRoute,
  createDisplayTokenRoute,
  listApiKeysRoute,
  listDisplayTokensRoute,
  revokeDisplayTokenRoute,
  setApiKeyEnabledRoute,
} from './admin/credentials';
import { createUserRoute, listUsersRoute, resetPasswordRoute, setUserEnabledRoute } from './admin/users';
import { createAlert } from './alerts/create';
import { exchangeDisplayToken } from './auth/display';
import { signIn } from './auth/login';
import { changePassword, signOut, whoAmI } from './auth/session';
import { createCaseBatch } from './cases/batch';
import { createCase } from './cases/create';
import { getCase, revealCaseContact } from './cases/get';
import { exportIndicatorsCsv, exportIndicatorsXlsx, handoverReport, indicatorPanel, indicatorTrend } from './indicators';
import { areas } from './map/areas';
import { snapshot } from './map/snapshot';
import { clientConfig } from './system/config';
import { health } from './system/health';

/** The route table: every /api route, in one list (the OpenAPI document and the permission matrix test read it). */
export const ROUTES: readonly AnyRoute[] = [
  health,
  clientConfig,
  signIn,
  signOut,
  whoAmI,
  changePassword,
  exchangeDisplayToken,
  areas,
  snapshot,
  createCase,
  createCaseBatch,
  getCase,
  revealCaseContact,
  createAlert,
  listUsersRoute,
  createUserRoute,
  setUserEnabledRoute,
  resetPasswordRoute,
  listDisplayTokensRoute,
  createDisplayTokenRoute,
  revokeDisplayTokenRoute,
  listApiKeysRoute,
  createApiKeyRoute,
  setApiKeyEnabledRoute,
  listAuditRoute,
  indicatorPanel,
  indicatorTrend,
  exportIndicatorsCsv,
  exportIndicatorsXlsx,
  handoverReport,
];
