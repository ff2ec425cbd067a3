import { Module } from '@nestjs/common';
import { ImportJobsModule, OrgUnitsReadModule } from '@pb/platform';
import { TeachersModule } from '../teachers/teachers.module.js';
import { TrainingRecordsModule } from '../training-records.module.js';
import { AttendanceImporter } from './attendance.importer.js';
import { ImportsController } from './imports.controller.js';
import { TeachersImporter } from './teachers.importer.js';

/** 批量导入 CSV imports of teacher rosters and attendance (docs/adr/0020); attendance goes to the training records (ADR 0019). */
@Module({
  imports: [
    OrgUnitsReadModule,
    ImportJobsModule.register({
      importers: [TeachersImporter, AttendanceImporter],
      imports: [TeachersModule, TrainingRecordsModule],
    }),
  ],
  controllers: [ImportsController],
})
export class ImportsModule {}
