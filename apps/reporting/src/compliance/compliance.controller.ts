import { Routes } from '@pb/contracts';
import { Controller, Header } from '@nestjs/common';
import { stringify } from 'csv-stringify/sync';
import { ALL_ROLES, Roles, Handle, Call, type RouteCall } from '@pb/platform';
import { ComplianceService } from './compliance.service.js';

/** 报送情况 timeliness and completeness: rates per unit and period range, breakdown, missing list, CSV. */
/** Rates and missing lists are counts per unit, no personal data: every role, inside its own subtree. */
@Roles(...ALL_ROLES)
@Controller()
export class ComplianceController {
  constructor(private readonly compliance: ComplianceService) {}

  @Handle(Routes.getReportingCompliance)
  async overTime(@Call() call: RouteCall<typeof Routes.getReportingCompliance>) {
    const scope = await this.compliance.unitInScope(call.query.unit, call.identity);
    return this.compliance.overTime(scope, this.compliance.periodRange(call.query.from, call.query.to ?? call.query.from));
  }

  @Handle(Routes.getReportingComplianceBreakdown)
  async breakdown(@Call() call: RouteCall<typeof Routes.getReportingComplianceBreakdown>) {
    const scope = await this.compliance.unitInScope(call.query.unit, call.identity);
    return {
      unitId: scope._id,
      rows: await this.compliance.breakdown(scope, this.compliance.periodRange(call.query.from, call.query.to ?? call.query.from)),
    };
  }

  /** The breakdown as CSV, UTF-8 with a BOM so spreadsheet programs open the Chinese names right. */
  @Handle(Routes.getReportingComplianceBreakdownCsv)
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="compliance.csv"')
  async csv(@Call() call: RouteCall<typeof Routes.getReportingComplianceBreakdownCsv>) {
    const scope = await this.compliance.unitInScope(call.query.unit, call.identity);
    const rows = await this.compliance.breakdown(scope, this.compliance.periodRange(call.query.from, call.query.to ?? call.query.from));
    const body = stringify(
      rows.map((r) => [r.code, r.name, r.expected, r.actual, r.onTime, r.reportingRate ?? '', r.onTimeRate ?? '']),
      {
        header: true,
        columns: [
          '单位代码 code',
          '单位名称 name',
          '应报 expected',
          '实报 actual',
          '按时 on time',
          '报送率 reporting rate %',
          '及时率 on-time rate %',
        ],
      },
    );
    return `\uFEFF${body}`;
  }

  @Handle(Routes.getReportingMissing)
  async missing(@Call() call: RouteCall<typeof Routes.getReportingMissing>) {
    const scope = await this.compliance.unitInScope(call.query.unit, call.identity);
    const [periodId] = this.compliance.periodRange(call.query.period, call.query.period);
    return { unitId: scope._id, periodId, missing: await this.compliance.missing(scope, periodId, call.identity) };
  }
}
