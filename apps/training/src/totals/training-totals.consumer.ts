import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { TrainingCertifiedV1, TrainingEnrolledV1, TrainingSessionAttendedV1, type EventData } from '@pb/contracts';
import { OnEventBatch, type CounterIncrement, type EventBatchItem } from '@pb/messaging';
import { TrainingTotalsService } from './training-totals.service.js';
import { teacherTotalsId, unitTotalsId } from './training-totals.schema.js';

type CountedEvent =
  EventData<typeof TrainingEnrolledV1> | EventData<typeof TrainingSessionAttendedV1> | EventData<typeof TrainingCertifiedV1>;

/**
 * Keeps the yearly totals from the service's own training record events, runs of them folded into one
 * write per counter (the teacher, its school, county and city), each applied once (`incrementOnce`).
 */
@Controller()
export class TrainingTotalsConsumer {
  constructor(private readonly totals: TrainingTotalsService) {}

  @OnEventBatch([TrainingEnrolledV1, TrainingSessionAttendedV1, TrainingCertifiedV1])
  async onRecords(@Payload() items: EventBatchItem<CountedEvent>[]) {
    await this.totals.count(items.flatMap(increments));
  }
}

/** The counters one event changes: the teacher's, and every unit's on the school's path. */
export function increments({ data, event, record }: EventBatchItem<CountedEvent>): CounterIncrement[] {
  const inc = { enrolments: 0, completed: 0, certified: 0, hours: 0 };
  if (event.type === TrainingEnrolledV1.type) inc.enrolments = 1;
  else if (event.type === TrainingCertifiedV1.type) inc.certified = 1;
  else {
    const attended = data as EventData<typeof TrainingSessionAttendedV1>;
    inc.hours = attended.hoursAdded;
    inc.completed = attended.completedNow ? 1 : 0;
  }
  const at = { partition: record.partition, offset: Number(record.offset) };
  return [
    {
      _id: teacherTotalsId(data.teacherId, data.year),
      setOnInsert: { kind: 'teacher', unitId: data.unitId, teacherId: data.teacherId, year: data.year },
      inc,
      ...at,
    },
    ...data.unitPath.map((unitId) => ({
      _id: unitTotalsId(unitId, data.year),
      setOnInsert: { kind: 'unit', unitId, year: data.year },
      inc,
      ...at,
    })),
  ];
}
