import { Body, Controller, Get, Headers, Put, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ReportingCalendarSchema, type ReportingCalendarDto } from '@pb/contracts';
import { ALL_ROLES, CurrentIdentity, Roles, SchemaPipe, type Identity } from '@pb/platform';
import { CalendarService } from './calendar.service.js';

@Controller('api/v1/reporting/calendar')
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  @Get()
  @Roles(...ALL_ROLES)
  get() {
    return this.calendar.get();
  }

  @Put()
  @Roles('city-admin')
  put(
    @Body(new SchemaPipe<ReportingCalendarDto>(ReportingCalendarSchema)) body: ReportingCalendarDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
  ) {
    return this.calendar.put({ ...body, extensions: body.extensions ?? {} }, caller, ifMatch, req.id);
  }
}
