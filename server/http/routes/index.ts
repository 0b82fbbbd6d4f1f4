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
import { acknowledgeAlertRoute } from './alerts/acknowledge';
import { createAlert } from './alerts/create';
import { previewAlertRoute } from './alerts/preview';
import { exchangeDisplayToken } from './auth/display';
import { capAtomFeed, exportCapAlert } from './cap/export';
import { ingestCap } from './cap/ingest';
import { signIn } from './auth/login';
import { changePassword, signOut, whoAmI } from './auth/session';
import { createCaseBatch } from './cases/batch';
import { createCase } from './cases/create';
import { getCase, revealCaseContact } from './cases/get';
import { dispatchQueue } from './dispatch/queue';
import { listRespondersRoute } from './dispatch/responders';
import { caseDuplicates, caseSuggestions } from './cases/routing';
import { caseTimeline, transitionCase } from './cases/transitions';
import { exportIndicatorsCsv, exportIndicatorsXlsx, handoverReport, indicatorPanel, indicatorTrend } from './indicators';
import { areas } from './map/areas';
import { setMyStatus } from './me/status';
import { myTasks } from './me/tasks';
import { getPhotoRoute, listCasePhotosRoute } from './photos/get';
import { uploadPhotoRoute } from './photos/upload';
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
  listCasePhotosRoute,
  uploadPhotoRoute,
  getPhotoRoute,
  dispatchQueue,
  listRespondersRoute,
  myTasks,
  setMyStatus,
  caseSuggestions,
  caseDuplicates,
  transitionCase,
  caseTimeline,
  createAlert,
  previewAlertRoute,
  acknowledgeAlertRoute,
  ingestCap,
  exportCapAlert,
  capAtomFeed,
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
