import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { OrgUnitDirectory, OrgUnitsReadModule, scopedModelProvider } from '@pb/platform';
import { TEACHER_MODEL, TeacherSchema, teacherOwnership } from './teacher.schema.js';
import { TeachersController } from './teachers.controller.js';
import { TeachersService } from './teachers.service.js';

/** 教师名册 Teacher rosters per school; `TeachersService` serves the other training features and the importer. */
@Module({
  imports: [OrgUnitsReadModule, MongooseModule.forFeature([{ name: TEACHER_MODEL, schema: TeacherSchema }])],
  controllers: [TeachersController],
  providers: [scopedModelProvider(TEACHER_MODEL, teacherOwnership, [OrgUnitDirectory]), TeachersService],
  exports: [TeachersService],
})
export class TeachersModule {}
