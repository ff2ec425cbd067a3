import 'reflect-metadata';
import { startDomainService } from '@pb/platform';
import { cadreSettings } from './cadres/cadres.config.js';
import { CadresModule } from './cadres/cadres.module.js';
import { RosterPeople } from './cadres/roster-people.js';
import { ImportsModule } from './imports/imports.module.js';
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
    CadresModule.register({ settings: cadreSettings(), people: RosterPeople, imports: [TeachersModule] }),
    ImportsModule,
  ],
});
