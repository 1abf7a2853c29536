// Work a running node does on its own: sending queued notices, escalating incidents whose SLA runs
// out, pulling feeds that are due, and keeping the query planner's statistics current. Each job runs
// alone (never overlapping itself) and a failure is logged, never fatal.
import { systemViewer } from './policy/viewer.ts';
import { pullFromAllPeers } from './features/federation/sync/pull.ts';
import type { AppContext } from './app.ts';
import { deliverDue } from './features/notifications/delivery.ts';
import { escalateDue } from './features/incidents/service.ts';
import { FEED_SCHEDULE_SECONDS, pullDueFeeds } from './features/exchange/feeds/puller.ts';

interface Logger {
  info(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface BackgroundIntervals {
  deliverySeconds: number;
  escalationSeconds: number;
  plannerStatisticsSeconds: number;
  /** How often peers are pulled (default 60 s). */
  syncSeconds?: number;
}

export function startBackgroundJobs(
  ctx: AppContext,
  log: Logger,
  intervals: BackgroundIntervals = { deliverySeconds: 5, escalationSeconds: 60, plannerStatisticsSeconds: 3600 },
): () => Promise<void> {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<unknown>>();
  // A job answers what it did worth logging, or null.
  const every = (seconds: number, name: string, job: () => Promise<object | null>) => {
    let busy = false;
    const tick = () => {
      if (busy) return;
      busy = true;
      const run = job()
        .then((result) => {
          if (result) log.info({ job: name, result }, 'background job');
        })
        .catch((error: unknown) => log.error({ job: name, err: error }, 'background job failed'))
        .finally(() => {
          busy = false;
          running.delete(run);
        });
      running.add(run);
    };
    const timer = setInterval(tick, seconds * 1000);
    timer.unref();
    timers.push(timer);
    return tick;
  };
  every(intervals.deliverySeconds, 'deliver notices', async () => {
    const report = await deliverDue(ctx);
    return report.sent + report.retrying + report.failed > 0 ? report : null;
  });
  every(intervals.escalationSeconds, 'escalate incidents', async () => {
    const escalated = await escalateDue(ctx);
    return escalated.length > 0 ? { escalated } : null;
  });
  // Feeds due are pulled one after another; a failing remote is recorded in its feed's state.
  every(FEED_SCHEDULE_SECONDS, 'pull feeds', async () => {
    const pulled = await pullDueFeeds(ctx);
    return pulled.length > 0 ? { feeds: pulled.map((p) => ({ feedId: p.feedId, status: p.status, error: p.error })) } : null;
  });
  // Peers are pulled on a schedule, each from where its last pull stopped (see sync/pull.ts).
  every(intervals.syncSeconds ?? 60, 'sync peers', async () => {
    const results = await pullFromAllPeers(ctx, { viewer: systemViewer('sync'), sourceIp: null });
    const worth = results.filter((r) => r.error || (r.progress && r.progress.records + r.progress.tombstones + r.progress.refused > 0));
    return worth.length > 0 ? { peers: worth } : null;
  });
  // Also soon after start (imports refresh on their own): a node opened on data restored from
  // elsewhere plans well without waiting an hour, and start-up itself is not held up by an analysis.
  const refreshStatistics = every(intervals.plannerStatisticsSeconds, 'planner statistics', async () => {
    await ctx.store.refreshPlannerStatistics();
    return null;
  });
  const soon = setTimeout(refreshStatistics, 30_000);
  soon.unref();
  timers.push(soon);
  return async () => {
    for (const timer of timers) clearTimeout(timer);
    await Promise.allSettled([...running]);
  };
}
