import { Body, Controller, Headers, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type ReportingCalendarDto, Routes } from '@pb/contracts';
import { CurrentIdentity, type Identity, Handle } from '@pb/platform';
import { CalendarService } from './calendar.service.js';

@Controller()
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  @Handle(Routes.getReportingCalendar)
  get() {
    return this.calendar.get();
  }

  @Handle(Routes.putReportingCalendar)
  put(
    @Body() body: ReportingCalendarDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
  ) {
    return this.calendar.put({ ...body, extensions: body.extensions ?? {} }, caller, ifMatch, req.id);
  }
}
