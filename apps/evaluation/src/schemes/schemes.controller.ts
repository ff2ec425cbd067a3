import { Controller } from '@nestjs/common';
import { Routes } from '@pb/contracts';
import { Call, Handle, type RouteCall } from '@pb/platform';
import type { SchemeKind } from '@pb/contracts';
import { SchemesService } from './schemes.service.js';

/** 考核方案 assessment schemes: read by every role, set by city administrators (the route table's roles). */
@Controller()
export class SchemesController {
  constructor(private readonly schemes: SchemesService) {}

  @Handle(Routes.getEvaluationSchemesOne)
  async get(@Call() call: RouteCall<typeof Routes.getEvaluationSchemesOne>) {
    const { kind } = call.params;
    const year = Number(call.params.year);
    return call.versioned(this.schemes.view(await this.schemes.version(kind as SchemeKind, year, call.query.schemeVersion)));
  }

  @Handle(Routes.putEvaluationSchemes)
  async put(@Call() call: RouteCall<typeof Routes.putEvaluationSchemes>) {
    const { kind } = call.params;
    const year = Number(call.params.year);
    return call.versioned(await this.schemes.set(kind as SchemeKind, year, call.body, call.identity, call.ifMatch, call.requestId));
  }
}
