import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { Topics } from '@pb/contracts';
import { KafkaClient, OutboxRelay, type OutboxEvent } from '@pb/messaging';
import { Leases } from '@pb/persistence';
import { Clock, leasedRunner, Scope, type PeriodicRunner } from '@pb/platform';
import { assignmentEvent, endingSoonEvent } from './assignment-events.js';
import { AssignmentsService, personLease } from './assignments.service.js';
import type { Assignment } from './cadre.schemas.js';
import { CADRE_SETTINGS, type CadreSettings } from './cadres.config.js';
import { addDays, cityToday, daysBetween } from './city-dates.js';

const SYSTEM = Scope.system('assignment runner: starts, ends and reminds assignments by date');

export interface RunnerPass {
  leader: boolean;
  started: string[];
  ended: string[];
  reminded: string[];
}

/**
 * Starts and ends assignments on their dates in the city's time zone, and reminds the host and home
 * units `ASSIGNMENT_REMINDER_DAYS` before the end, once. A lease makes one replica run the passes;
 * each change is a version-guarded write under the person's lease (the one the API's writes take),
 * so a second pass, a restart or a concurrent end by the home unit changes nothing twice.
 * An assignment starts on its start date and ends when its end date has passed (the day after).
 */
@Injectable()
export class AssignmentRunner implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('AssignmentRunner');
  private readonly runner: PeriodicRunner<RunnerPass>;

  constructor(
    @InjectConnection() connection: Connection,
    @Inject(CADRE_SETTINGS) private readonly settings: CadreSettings,
    private readonly assignments: AssignmentsService,
    private readonly leases: Leases,
    private readonly relay: OutboxRelay,
    private readonly kafka: KafkaClient,
    clock: Clock,
  ) {
    ({ runner: this.runner } = leasedRunner(this.logger, connection, 'cadre-assignments', settings.tickMs, clock, (now) => this.pass(now)));
  }

  /** The topic exists from the start, for its consumers (the relay would create it only at the first event). */
  async onModuleInit() {
    this.relay.register(this.assignments.model(SYSTEM));
    await this.kafka.ensureTopics([{ topic: Topics.trainingAssignments }]);
  }

  onApplicationBootstrap() {
    this.runner.start();
  }

  async beforeApplicationShutdown() {
    await this.runner.stop();
  }

  /** One pass at `now` (the service's clock by default), if this replica holds the lease. */
  async tick(now?: Date): Promise<RunnerPass> {
    return (await this.runner.run(now)) ?? { leader: false, started: [], ended: [], reminded: [] };
  }

  private async pass(now: Date): Promise<RunnerPass> {
    const today = cityToday(now, this.settings.timeZone);
    const model = this.assignments.model(SYSTEM);
    const due = await model
      .find(
        {
          $or: [
            { status: 'planned', startsOn: { $lte: today } },
            { status: 'active', endsOn: { $lt: today } },
            { status: 'active', remindedAt: null, endsOn: { $lte: addDays(today, this.settings.reminderDays) } },
          ],
        },
        { outbox: 0 },
      )
      .sort({ startsOn: 1, _id: 1 })
      .lean<Assignment[]>();
    const out: RunnerPass = { leader: true, started: [], ended: [], reminded: [] };
    for (const found of due) {
      await this.leases.withLease(personLease(found.teacherId), async () => {
        const a = await model.findById(found._id, { outbox: 0 }).lean<Assignment>();
        if (a) await this.advance(a, today, now, out);
      });
    }
    return out;
  }

  /** Brings one assignment up to `today`: started, then ended or reminded, in one write with its events. */
  private async advance(a: Assignment, today: string, now: Date, out: RunnerPass): Promise<void> {
    let next = a;
    const events: OutboxEvent[] = [];
    if (next.status === 'planned' && next.startsOn <= today) {
      next = { ...next, status: 'active', version: next.version + 1 };
      events.push(assignmentEvent('started', next));
      out.started.push(a._id);
    }
    if (next.status === 'active' && next.endsOn < today) {
      next = { ...next, status: 'ended', endedOn: next.endsOn, version: next.version + 1 };
      events.push(assignmentEvent('ended', next));
      out.ended.push(a._id);
    } else if (next.status === 'active' && !next.remindedAt && next.endsOn <= addDays(today, this.settings.reminderDays)) {
      next = { ...next, remindedAt: now, version: next.version + 1 };
      events.push(endingSoonEvent(next, daysBetween(today, next.endsOn)));
      out.reminded.push(a._id);
    }
    if (events.length === 0) return;
    const { status, endedOn, remindedAt, version } = next;
    await this.assignments.write(a, { status, endedOn, remindedAt, version }, events);
  }
}
