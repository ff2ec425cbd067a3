import { Controller } from '@nestjs/common';
import { Routes } from '@pb/contracts';
import { Handle, Call, type RouteCall } from '@pb/platform';
import { CalendarService } from './calendar.service.js';

@Controller()
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  @Handle(Routes.getReportingCalendar)
  get() {
    return this.calendar.get();
  }

  @Handle(Routes.putReportingCalendar)
  put(@Call() call: RouteCall<typeof Routes.putReportingCalendar>) {
    return this.calendar.put({ ...call.body, extensions: call.body.extensions ?? {} }, call.identity, call.ifMatch, call.requestId);
  }
}
