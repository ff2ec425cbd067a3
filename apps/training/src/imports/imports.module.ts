import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ImportJobsModule, OrgUnitsReadModule } from '@pb/platform';
import { TeachersModule } from '../teachers/teachers.module.js';
import { ATTENDANCE_BOOK, AttendanceImporter } from './attendance.importer.js';
import { ImportsController } from './imports.controller.js';
import { INTERIM_ATTENDANCE_MODEL, InterimAttendanceBook, InterimAttendanceSchema } from './interim-attendance-book.js';
import { TeachersImporter } from './teachers.importer.js';

/** 批量导入 CSV imports of teacher rosters and attendance (docs/adr/0020). */
@Module({
  imports: [
    OrgUnitsReadModule,
    ImportJobsModule.register({
      importers: [TeachersImporter, AttendanceImporter],
      imports: [TeachersModule, MongooseModule.forFeature([{ name: INTERIM_ATTENDANCE_MODEL, schema: InterimAttendanceSchema }])],
      providers: [{ provide: ATTENDANCE_BOOK, useClass: InterimAttendanceBook }],
    }),
  ],
  controllers: [ImportsController],
})
export class ImportsModule {}
