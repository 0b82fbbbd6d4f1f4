import type { AnyRoute } from '../route';
import { createAlert } from './alerts/create';
import { createCaseBatch } from './cases/batch';
import { createCase } from './cases/create';
import { getCase } from './cases/get';
import { areas } from './map/areas';
import { snapshot } from './map/snapshot';
import { clientConfig } from './system/config';
import { health } from './system/health';

/** The route table: every /api route, in one list (the OpenAPI document and the permission matrix test read it). */
export const ROUTES: readonly AnyRoute[] = [health, clientConfig, areas, snapshot, createCase, createCaseBatch, getCase, createAlert];
