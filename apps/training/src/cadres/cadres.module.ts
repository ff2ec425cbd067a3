import { Module, type DynamicModule, type Provider, type Type } from '@nestjs/common';
import { getConnectionToken, MongooseModule } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { Leases } from '@pb/persistence';
import { OrgUnitDirectory, OrgUnitsReadModule, problem, scopedModelProvider } from '@pb/platform';
import { AssignmentRunner } from './assignment.runner.js';
import { AssignmentsService } from './assignments.service.js';
import { CadrePeople } from './cadre-people.js';
import {
  ASSIGNMENT_MODEL,
  assignmentOwnership,
  AssignmentSchema,
  LEADERSHIP_TEAM_MODEL,
  leadershipTeamOwnership,
  LeadershipTeamSchema,
  RESERVE_CADRE_MODEL,
  reserveCadreOwnership,
  ReserveCadreSchema,
} from './cadre.schemas.js';
import { AssignmentsController, CadresController } from './cadres.controller.js';
import { CADRE_SETTINGS, type CadreSettings } from './cadres.config.js';
import { LeadershipService } from './leadership.service.js';
import { ReserveCadresService } from './reserve-cadres.service.js';

export interface CadresModuleOptions {
  settings: CadreSettings;
  /** The roster as cadre work reads it (the teachers feature's adapter). */
  people: Type<CadrePeople>;
  /** Modules the people adapter needs (the teachers feature). */
  imports?: DynamicModule['imports'];
}

/**
 * 干部培养 Cadre development: reserve cadres, leadership teams and their age tiers, secondments and
 * teaching support with the runner that starts, ends and reminds them by date.
 */
@Module({})
export class CadresModule {
  static register(options: CadresModuleOptions): DynamicModule {
    const scoped: Provider[] = [
      scopedModelProvider(RESERVE_CADRE_MODEL, reserveCadreOwnership, [OrgUnitDirectory]),
      scopedModelProvider(LEADERSHIP_TEAM_MODEL, leadershipTeamOwnership, [OrgUnitDirectory]),
      scopedModelProvider(ASSIGNMENT_MODEL, assignmentOwnership, [OrgUnitDirectory]),
    ];
    return {
      module: CadresModule,
      imports: [
        OrgUnitsReadModule,
        MongooseModule.forFeature([
          { name: RESERVE_CADRE_MODEL, schema: ReserveCadreSchema },
          { name: LEADERSHIP_TEAM_MODEL, schema: LeadershipTeamSchema },
          { name: ASSIGNMENT_MODEL, schema: AssignmentSchema },
        ]),
        ...(options.imports ?? []),
      ],
      controllers: [CadresController, AssignmentsController],
      providers: [
        ...scoped,
        { provide: CADRE_SETTINGS, useValue: options.settings },
        { provide: CadrePeople, useClass: options.people },
        // One writer of a person's assignments at a time, across replicas; a caller that waited too long gets a 503.
        { provide: Leases, useFactory: (c: Connection) => new Leases(c, { busy: () => problem.busy() }), inject: [getConnectionToken()] },
        ReserveCadresService,
        LeadershipService,
        AssignmentsService,
        AssignmentRunner,
      ],
      exports: [AssignmentsService, AssignmentRunner],
    };
  }
}
