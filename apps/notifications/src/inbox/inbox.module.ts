import { Module } from '@nestjs/common';
import { InboxController } from './inbox.controller.js';
import { InboxService } from './inbox.service.js';

/** 站内信箱 The caller's inbox. */
@Module({ controllers: [InboxController], providers: [InboxService] })
export class InboxModule {}
