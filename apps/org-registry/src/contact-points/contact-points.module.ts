import { Module } from '@nestjs/common';
import { RegistryStoreModule } from '../store.module.js';
import { ContactPointsController } from './contact-points.controller.js';
import { ContactPointsService } from './contact-points.service.js';

/** 联系人 Contact points of org units. */
@Module({
  imports: [RegistryStoreModule],
  controllers: [ContactPointsController],
  providers: [ContactPointsService],
})
export class ContactPointsModule {}
