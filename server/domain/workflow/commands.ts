import { z } from 'zod';
import { timeLimitSchema } from '../sla/time-limit';

/**
 * The payload of every command, one zod schema per action. `at` is the instant the
 * service accepted the command (epoch ms, server clock), never the client's.
 * Transport fields (expectedVersion, commandId) belong to the route, not here.
 */
const at = z.number().int().nonnegative();
const reason = z.string().trim().min(2, 'a reason is required').max(500);
const note = z.string().trim().min(2, 'a note is required').max(2000);
const id = z.number().int().positive();

export const commandSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('register'), at, note: note.optional() }),
  z.strictObject({ action: z.literal('reject'), at, reason }),
  z
    .strictObject({
      action: z.literal('dispatch'),
      at,
      department: z.string().trim().min(1).max(64).optional(),
      assigneeId: id.optional(),
      note: note.optional(),
    })
    .refine((c) => c.department !== undefined || c.assigneeId !== undefined, {
      message: 'dispatch to a department, a responder, or both',
      path: ['assigneeId'],
    }),
  z.strictObject({ action: z.literal('accept'), at }),
  z.strictObject({ action: z.literal('return'), at, reason }),
  z.strictObject({
    action: z.literal('handle'),
    at,
    note,
    /** References to uploaded photos (storage keys), not the photos. */
    photos: z.array(z.string().min(1).max(200)).max(9).optional(),
  }),
  z.strictObject({ action: z.literal('close'), at, note: note.optional() }),
  z.strictObject({ action: z.literal('rework'), at, reason }),
  z.strictObject({ action: z.literal('merge'), at, into: id, note: note.optional() }),
  z.strictObject({ action: z.literal('suspend_request'), at, reason }),
  z.strictObject({ action: z.literal('suspend_approve'), at, note: note.optional() }),
  z.strictObject({ action: z.literal('suspend_refuse'), at, reason }),
  z.strictObject({ action: z.literal('resume'), at, note: note.optional() }),
  z.strictObject({ action: z.literal('extension_request'), at, reason, extend: timeLimitSchema }),
  z.strictObject({ action: z.literal('extension_approve'), at, note: note.optional() }),
  z.strictObject({ action: z.literal('extension_refuse'), at, reason }),
]);

export type Command = z.infer<typeof commandSchema>;
export type CommandAction = Command['action'];
export type CommandOf<A extends CommandAction> = Extract<Command, { action: A }>;
