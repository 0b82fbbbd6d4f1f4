import { z } from 'zod';
import sla from '../../../db/data/sla.json' with { type: 'json' };
import { INCIDENT_CATEGORIES } from '../categories';
import { SEVERITIES, type CaseKind, type Severity, type SlaStage } from '../../../db/vocab';
import { timeLimitSchema, type TimeLimit } from './time-limit';

export { SLA_STAGES, type SlaStage } from '../../../db/vocab';

const slaFileSchema = z.object({
  stages: z.strictObject({ register: timeLimitSchema, dispatch: timeLimitSchema, verify: timeLimitSchema }),
  handleBySeverity: z.partialRecord(z.enum(SEVERITIES), timeLimitSchema),
  handleDefault: timeLimitSchema,
  appealHandle: timeLimitSchema,
  warningShare: z.number().gt(0).lt(1),
});

/** db/data/sla.json, validated once at load: a bad file stops the process, it is never half-used. */
export const SLA_RULES = slaFileSchema.parse(sla);

export interface CaseForLimits {
  kind: CaseKind;
  category: string;
  severity: Severity;
}

/**
 * The time limit of one stage for one case: fixed limits for 立案/派遣/核查; for 处置 the
 * severity override (Extreme, Severe), else the category's `limit` from
 * categories.json, else the default.
 */
export function stageLimit(stage: SlaStage, c: CaseForLimits): TimeLimit {
  if (stage !== 'handle') return SLA_RULES.stages[stage];
  const bySeverity = SLA_RULES.handleBySeverity[c.severity];
  if (bySeverity) return bySeverity;
  if (c.kind === 'appeal') return SLA_RULES.appealHandle;
  const category = INCIDENT_CATEGORIES.get(c.category);
  const parsed = category ? timeLimitSchema.safeParse(category.limit) : undefined;
  return parsed?.success ? parsed.data : SLA_RULES.handleDefault;
}
