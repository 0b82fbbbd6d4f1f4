import { feedBounds } from '../../../../db/queries/feed';
import { findLinkedResponder } from '../../../../db/queries/positions';
import { findTasksOfUser } from '../../../../db/queries/tasks';
import { defineRoute } from '../../route';

const TASKS_MAX = 200;

export const myTasks = defineRoute({
  method: 'get',
  path: '/api/me/tasks',
  tags: ['tasks'],
  summary: 'My open tasks: the live cases dispatched to my responder record, most recently changed first',
  description:
    'For a grid worker whose login is linked to a responder record (`responder` is null, and `tasks` empty, when it is not). ' +
    'Statuses dispatched, in_progress, handled (awaiting the check) and suspended. Changes arrive live as `case.updated` feed events: ' +
    '`seq` is the feed head read before the tasks, so subscribing with `since: seq` and applying events on top (keeping the highest ' +
    '`version` of each case) misses nothing.',
  access: 'tasks.read',
  responses: {
    200: { description: '`{ responder: { id, code, name, status, homeGrid } | null, tasks: [CaseEventData & { address, description, warnAt, updatedAt }], seq }`' },
  },
  handle: async ({ ctx, actor }) => {
    // Only users hold this action (grid workers); a machine principal never reaches here.
    const userId = actor.kind === 'user' ? actor.id : -1;
    // Read first: every change the tasks below miss was committed after it, so it is in the feed after `seq`.
    const { head: seq } = await feedBounds(ctx.database);
    const responder = await findLinkedResponder(ctx.database, userId);
    const tasks = responder ? await findTasksOfUser(ctx.database, actor.scope, userId, TASKS_MAX) : [];
    return { status: 200, body: { responder, tasks, seq } };
  },
});
