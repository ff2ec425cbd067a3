import 'reflect-metadata';
import { startDomainService } from '@pb/platform';
import { TeachersModule } from './teachers/teachers.module.js';
import { TrainingRecordsModule } from './training-records.module.js';

/** 教师培训 training: teacher training, certification, secondments, rural teaching support. Its features arrive with their issues (issue 18: rosters, programmes, certification, totals). */
startDomainService({
  service: 'training',
  consume: true,
  features: () => [
    // One line per feature module.
    TeachersModule,
    TrainingRecordsModule,
  ],
});
