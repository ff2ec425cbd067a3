import { Controller } from '@nestjs/common';
import { Routes } from '@pb/contracts';
import { Call, Handle, type RouteCall } from '@pb/platform';
import { AssignmentsService } from './assignments.service.js';
import { LeadershipService } from './leadership.service.js';
import { ReserveCadresService } from './reserve-cadres.service.js';

/** 干部培养 Reserve cadres, leadership teams and their age tiers. */
@Controller()
export class CadresController {
  constructor(
    private readonly reserves: ReserveCadresService,
    private readonly leadership: LeadershipService,
  ) {}

  @Handle(Routes.getOrgUnitsReserveCadres)
  reserveCadres(@Call() call: RouteCall<typeof Routes.getOrgUnitsReserveCadres>) {
    return this.reserves.list(call.params.id, call.scope, call.query);
  }

  @Handle(Routes.postOrgUnitsReserveCadres)
  addReserveCadre(@Call() call: RouteCall<typeof Routes.postOrgUnitsReserveCadres>) {
    return this.reserves.add(call.params.id, call.body, call.scope, call.requestId);
  }

  @Handle(Routes.deleteOrgUnitsReserveCadres)
  removeReserveCadre(@Call() call: RouteCall<typeof Routes.deleteOrgUnitsReserveCadres>) {
    return this.reserves.remove(call.params.id, call.params.teacherId, call.scope, call.requestId);
  }

  @Handle(Routes.getOrgUnitsLeadershipTeam)
  async team(@Call() call: RouteCall<typeof Routes.getOrgUnitsLeadershipTeam>) {
    return call.versioned(await this.leadership.get(call.params.id, call.scope));
  }

  @Handle(Routes.putOrgUnitsLeadershipTeam)
  async setTeam(@Call() call: RouteCall<typeof Routes.putOrgUnitsLeadershipTeam>) {
    return call.versioned(await this.leadership.put(call.params.id, call.body, call.scope, call.requestId, call.ifMatch));
  }

  @Handle(Routes.getOrgUnitsLeadershipTeamAgeTiers)
  ageTiers(@Call() call: RouteCall<typeof Routes.getOrgUnitsLeadershipTeamAgeTiers>) {
    return this.leadership.ageTiers(call.params.id, call.scope);
  }

  @Handle(Routes.getCadresAgeTiers)
  subtreeAgeTiers(@Call() call: RouteCall<typeof Routes.getCadresAgeTiers>) {
    return this.leadership.subtreeAgeTiers(call.scope, call.query);
  }
}

/** 挂职与支教 Secondments and teaching-support terms. */
@Controller()
export class AssignmentsController {
  constructor(private readonly assignments: AssignmentsService) {}

  @Handle(Routes.postSecondments)
  async second(@Call() call: RouteCall<typeof Routes.postSecondments>) {
    return call.versioned(await this.assignments.createSecondment(call.body, call.scope, call.requestId));
  }

  @Handle(Routes.getSecondmentsOne)
  async secondment(@Call() call: RouteCall<typeof Routes.getSecondmentsOne>) {
    return call.versioned(await this.assignments.get(call.params.id, 'secondment', call.scope));
  }

  @Handle(Routes.postSecondmentsEnd)
  async endSecondment(@Call() call: RouteCall<typeof Routes.postSecondmentsEnd>) {
    return call.versioned(await this.assignments.end(call.params.id, 'secondment', call.body, call.scope, call.requestId, call.ifMatch));
  }

  @Handle(Routes.postTeachingSupports)
  async support(@Call() call: RouteCall<typeof Routes.postTeachingSupports>) {
    return call.versioned(await this.assignments.createTeachingSupport(call.body, call.scope, call.requestId));
  }

  @Handle(Routes.getTeachingSupportsOne)
  async teachingSupport(@Call() call: RouteCall<typeof Routes.getTeachingSupportsOne>) {
    return call.versioned(await this.assignments.get(call.params.id, 'teaching-support', call.scope));
  }

  @Handle(Routes.postTeachingSupportsEnd)
  async endSupport(@Call() call: RouteCall<typeof Routes.postTeachingSupportsEnd>) {
    return call.versioned(
      await this.assignments.end(call.params.id, 'teaching-support', call.body, call.scope, call.requestId, call.ifMatch),
    );
  }

  @Handle(Routes.getCadresAssignments)
  list(@Call() call: RouteCall<typeof Routes.getCadresAssignments>) {
    return this.assignments.list(call.scope, call.query);
  }
}
