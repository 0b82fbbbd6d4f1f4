import { LAYERS, type Layer } from '../../db/vocab';
import { AppError } from '../errors';
import type { ActorRole } from './actor';
import { may, type Action } from './permissions';

/**
 * Map layers that need a permission beyond `map.read`: `appeals` carries each
 * appeal with its position, for roles cleared for individual appeals. Shared screens
 * (leaders, wall displays) take `hotspots` instead: aggregates only.
 */
const LAYER_ACTIONS: Partial<Record<Layer, Action>> = { appeals: 'appeals.individual' };

export function mayReadLayer(role: ActorRole, layer: Layer): boolean {
  const action = LAYER_ACTIONS[layer];
  return action === undefined || may(role, action);
}

/** Every layer the role may read (a snapshot without `layers` gets these). */
export function layersFor(role: ActorRole): Layer[] {
  return LAYERS.filter((layer) => mayReadLayer(role, layer));
}

/** FORBIDDEN naming the first layer asked for that the role may not read; used by the snapshot route and socket subscribe alike. */
export function assertLayers(role: ActorRole, layers: readonly Layer[]): void {
  const refused = layers.find((layer) => !mayReadLayer(role, layer));
  if (refused) {
    throw new AppError('FORBIDDEN', `layer "${refused}" needs clearance for individual appeals; shared screens use the "hotspots" layer`, {
      path: 'layers',
      layer: refused,
    });
  }
}
