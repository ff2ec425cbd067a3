import { Controller } from '@nestjs/common';
import { Routes } from '@pb/contracts';
import { Call, declaredCharset, Handle, ImportJobs, pageRequest, uploadStream, type RouteCall } from '@pb/platform';

/** 批量导入 CSV imports of a school's teachers and attendance (docs/adr/0020): upload, job, errors. */
@Controller()
export class ImportsController {
  constructor(private readonly jobs: ImportJobs) {}

  @Handle(Routes.postTrainingSchoolImports)
  async upload(@Call() call: RouteCall<typeof Routes.postTrainingSchoolImports>) {
    const { job, created } = await this.jobs.upload(
      call.scope,
      {
        kind: call.params.kind,
        unitId: call.params.id,
        policy: call.query.policy ?? 'apply-valid',
        charset: declaredCharset(call.request.headers['content-type'], call.query.charset),
        maxBytes: Routes.postTrainingSchoolImports.upload.maxBytes,
      },
      uploadStream(call.request),
    );
    // The same file again: its job as it stands, nothing started.
    if (!created) void call.reply.status(200);
    return job;
  }

  @Handle(Routes.getTrainingImportsOne)
  get(@Call() call: RouteCall<typeof Routes.getTrainingImportsOne>) {
    return this.jobs.get(call.scope, call.params.id);
  }

  @Handle(Routes.getTrainingImportsErrors)
  errors(@Call() call: RouteCall<typeof Routes.getTrainingImportsErrors>) {
    return this.jobs.errorsPage(call.scope, call.params.id, pageRequest(call.query));
  }
}
