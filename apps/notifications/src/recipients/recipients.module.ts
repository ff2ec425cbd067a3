import { Module } from '@nestjs/common';
import { ChannelsModule } from '../delivery/channels/channels.module.js';
import { ProfilesService } from './profiles.service.js';
import { RecipientsController } from './recipients.controller.js';

/** Who receives what: preferences, quiet hours, language, e-mail and webhook endpoints. */
@Module({ imports: [ChannelsModule], controllers: [RecipientsController], providers: [ProfilesService], exports: [ProfilesService] })
export class RecipientsModule {}
