import { Controller, Get, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  BatchCreateOrgUnitsSchema,
  CloseOrgUnitSchema,
  CreateOrgUnitSchema,
  MoveOrgUnitSchema,
  OrgUnitHistoryEntrySchema,
  OrgUnitViewSchema,
  PageSchema,
  RenameOrgUnitSchema,
} from '@pb/contracts';
import { ALL_ROLES, CurrentIdentity, OptionalIfMatch, Roles, type Identity } from '@pb/platform';
import { passThrough } from '../upstream/forward.js';
import { UpstreamService } from '../upstream/upstream.service.js';
import { OrgUnitReads } from './org-unit-reads.js';

const PROBLEM = { description: 'application/problem+json' };
const ID = { name: 'id', description: 'Org unit id 单位标识' };
const CURSOR = {
  name: 'cursor',
  required: false,
  description: 'nextCursor of the previous page 上一页的 nextCursor',
  schema: { type: 'string', minLength: 1, maxLength: 512, pattern: '^[A-Za-z0-9_-]+$' },
};
const LIMIT = {
  name: 'limit',
  required: false,
  description: 'Items per page (1-500, default 100) 每页条数',
  schema: { type: 'integer', minimum: 1, maximum: 500 },
};

/** 组织单位 The org tree: city bureau, county bureaus, schools and units. Forwarded to org-registry. */
@ApiTags('org-units 组织单位')
@ApiBearerAuth()
@Controller('api/v1/org-units')
export class OrgUnitsController {
  constructor(
    private readonly upstream: UpstreamService,
    private readonly reads: OrgUnitReads,
  ) {}

  private pass(req: FastifyRequest, reply: FastifyReply, identity: Identity) {
    return passThrough(this.upstream, 'org-registry', req, reply, identity);
  }

  /** A change of org units: forwarded, then the units this replica kept for reads are forgotten. */
  private change(req: FastifyRequest, reply: FastifyReply, identity: Identity) {
    return this.reads.change(req, reply, identity);
  }

  @Post()
  @Roles('city-admin', 'county-admin')
  @ApiOperation({
    summary: 'Create an org unit 建立组织单位',
    description: 'City and county administrators add bureaus, schools and units under their own subtree. 市、县管理员在本辖区内新增单位。',
  })
  @ApiBody({ schema: CreateOrgUnitSchema as object })
  @ApiResponse({ status: 201, schema: OrgUnitViewSchema as object, description: 'Created 已建立' })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse({ status: 404, ...PROBLEM })
  @ApiResponse({ status: 409, ...PROBLEM })
  @ApiResponse({ status: 422, ...PROBLEM, description: 'Kind cannot sit under that parent 上级单位类型不符' })
  create(@CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.change(req, reply, identity);
  }

  @Post('batch')
  @Roles('city-admin', 'county-admin')
  @ApiOperation({
    summary: 'Create up to 1,000 units at once 批量建立组织单位',
    description:
      "A bureau's school list: parents may come earlier in the batch; each unit gets its own events. Units whose id exists with the same code are skipped, so a batch can be resent. " +
      '批量导入学校名录；已存在且代码相同的单位略过，可重送。',
  })
  @ApiBody({ schema: BatchCreateOrgUnitsSchema as object })
  @ApiResponse({ status: 201, description: '{ created, existing }' })
  @ApiResponse({ status: 409, ...PROBLEM })
  createBatch(@CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.change(req, reply, identity);
  }

  @Get(':id')
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: 'Read an org unit of your subtree 查看本辖区单位' })
  @ApiParam(ID)
  @ApiResponse({ status: 200, schema: OrgUnitViewSchema as object })
  @ApiResponse({ status: 404, ...PROBLEM, description: 'Missing or outside your subtree 不存在或不在本辖区' })
  get(@CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.reads.read((req.params as { id: string }).id, req, reply, identity);
  }

  @Get(':id/children')
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: 'Direct children, a page at a time 直属下级单位（分页）' })
  @ApiParam(ID)
  @ApiQuery(CURSOR)
  @ApiQuery(LIMIT)
  @ApiResponse({ status: 200, schema: PageSchema(OrgUnitViewSchema) as object })
  @ApiResponse({ status: 404, ...PROBLEM })
  children(@CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pass(req, reply, identity);
  }

  @Get(':id/subtree')
  @Roles(...ALL_ROLES)
  @ApiOperation({
    summary: 'Every unit below, a page at a time 全部下级单位（分页）',
    description: 'Optional filters kind, status. 可按类型、状态筛选。',
  })
  @ApiParam(ID)
  @ApiQuery(CURSOR)
  @ApiQuery(LIMIT)
  @ApiQuery({ name: 'kind', required: false, enum: ['county-bureau', 'school', 'unit'] })
  @ApiQuery({ name: 'status', required: false, enum: ['open', 'closed'] })
  @ApiResponse({ status: 200, schema: PageSchema(OrgUnitViewSchema) as object })
  @ApiResponse({ status: 404, ...PROBLEM })
  subtree(@CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pass(req, reply, identity);
  }

  @Get(':id/history')
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: 'History of a unit: created, renamed, moved, closed 单位沿革' })
  @ApiParam(ID)
  @ApiResponse({ status: 200, schema: { type: 'array', items: OrgUnitHistoryEntrySchema } as object })
  @ApiResponse({ status: 404, ...PROBLEM })
  history(@CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pass(req, reply, identity);
  }

  @Patch(':id')
  @Roles('city-admin', 'county-admin')
  @ApiOperation({ summary: 'Rename a unit 单位更名' })
  @ApiParam(ID)
  @ApiBody({ schema: RenameOrgUnitSchema as object })
  @OptionalIfMatch()
  @ApiResponse({ status: 200, schema: OrgUnitViewSchema as object })
  @ApiResponse({ status: 403, ...PROBLEM })
  @ApiResponse({ status: 404, ...PROBLEM })
  rename(@CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.change(req, reply, identity);
  }

  @Post(':id/move')
  @OptionalIfMatch()
  @Roles('city-admin', 'county-admin')
  @ApiOperation({
    summary: 'Move a unit and its subtree under a new parent 迁移单位（含下级）',
    description:
      'Paths and levels of the whole subtree follow; party organisations whose supervising bureau is no longer above them follow to the new one. Every changed unit and organisation gets its own events. A subtree of more than 100 units follows after the answer (202). ' +
      '整个下级树随之迁移；主管教育局不再是上级时，党组织隶属关系随之变更。',
  })
  @ApiParam(ID)
  @ApiBody({ schema: MoveOrgUnitSchema as object })
  @ApiResponse({
    status: 200,
    description: 'Moved with its whole subtree: the unit, with moveId, descendants and following: false 已迁移（含下级）',
  })
  @ApiResponse({
    status: 202,
    description:
      'More than 100 descendants: the unit has moved and its subtree is following (following: true); each descendant shows the new path, and publishes its event, as it is rewritten. ' +
      '下级超过 100 个：单位已迁移，下级正在随之迁移。',
  })
  @ApiResponse({ status: 409, ...PROBLEM })
  @ApiResponse({ status: 422, ...PROBLEM, description: 'Under its own subtree, or wrong parent kind 不能迁到下级之下' })
  move(@CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.change(req, reply, identity);
  }

  @Post(':id/close')
  @OptionalIfMatch()
  @Roles('city-admin', 'county-admin')
  @ApiOperation({
    summary: 'Close a unit (never deleted) 撤销单位',
    description: 'Refused while open children or party organisations remain. 有未撤销的下级单位或党组织时拒绝。',
  })
  @ApiParam(ID)
  @ApiBody({ schema: CloseOrgUnitSchema as object })
  @ApiResponse({ status: 200, schema: OrgUnitViewSchema as object })
  @ApiResponse({ status: 409, ...PROBLEM })
  close(@CurrentIdentity() identity: Identity, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.change(req, reply, identity);
  }
}
