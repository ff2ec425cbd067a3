import 'reflect-metadata';
import { startDomainService } from '@pb/platform';

/** 教師培訓 training: teacher training, certification, secondments, rural teaching support. Its features arrive with their issues. */
startDomainService({
  service: 'training',
  consume: true,
  features: () => [],
});
