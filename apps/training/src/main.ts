import 'reflect-metadata';
import { startDomainService } from '@pb/platform';
import { ImportsModule } from './imports/imports.module.js';
import { TeachersModule } from './teachers/teachers.module.js';

/** 教师培训 training: teacher training, certification, secondments, rural teaching support. Its features arrive with their issues. */
startDomainService({
  service: 'training',
  consume: true,
  features: () => [TeachersModule, ImportsModule],
});
