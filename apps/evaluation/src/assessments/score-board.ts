import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { Grade, SchemeKind } from '@pb/contracts';
import { bulkWriteInCommands, defineDocument, field, findByIds, type DocumentType } from '@pb/persistence';
import { FACT_KEYS_MODEL, type FactKeys } from '../derived/facts.schema.js';
import type { AssessmentStatus } from './assessment.schema.js';

/** One row of a score table: an assessment's id, its party organisation and school, status, total and grade. */
export interface BoardRow {
  id: string;
  partyOrgId: string;
  unitId: string;
  unitPath: string[];
  status: AssessmentStatus;
  schemeVersion: number | null;
  total: number;
  grade: Grade;
}

export const SCORE_BOARD_MODEL = 'ScoreBoard';

/**
 * 得分表 The rows of the score tables, packed: one document per kind, year and bucket (the county of a
 * school below a county, else the city), holding a row per assessment under `rows.<partyOrgId>`. A
 * county's table is one document to read, not one per school: on the local store every document read
 * costs about 0.1 ms, and a county has hundreds of schools. Rows are written whole from the assessment
 * and the tallies (`AssessmentsService.refreshRows`), so writing one again changes nothing.
 */
export const ScoreBoardSchema = defineDocument({
  collection: 'score_boards',
  fields: {
    kind: field.string<SchemeKind>(),
    year: field.number(),
    rows: field.mixed<Record<string, BoardRow>>(),
  },
  minimize: false,
});
export type ScoreBoard = DocumentType<typeof ScoreBoardSchema>;

/** The bucket of a party organisation's row: its county for a school below a county, else the city. */
export function bucketOf(unitPath: readonly string[]): string {
  return (unitPath.length > 2 ? unitPath[1] : unitPath[0]) ?? '';
}

export const boardId = (kind: string, year: number, bucket: string) => `${kind}:${year}:${bucket}`;

/** A field name for an id (no `.`, no leading `$`): `%`, `.` and `$` escaped as in a URL. */
export const rowKey = (id: string) => id.replace(/[%.$]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Where the derived runs find the rows a tally moves: the years of a party organisation's rows, the party organisations of a school. */
export const boardKeys = {
  years: (partyOrgId: string) => `board-years:${partyOrgId}`,
  partyOrgs: (unitId: string) => `board-orgs:${unitId}`,
};

@Injectable()
export class ScoreBoards {
  constructor(
    @InjectModel(SCORE_BOARD_MODEL) private readonly boards: Model<ScoreBoard>,
    @InjectModel(FACT_KEYS_MODEL) private readonly factKeys: Model<FactKeys>,
  ) {}

  /**
   * Writes rows, one statement per board, and records under `fact_keys` the year of each party
   * organisation's row and the party organisation of each school (`boardKeys`).
   */
  async put(rows: readonly (BoardRow & { kind: SchemeKind; year: number })[]): Promise<void> {
    if (rows.length === 0) return;
    const byBoard = new Map<string, { kind: SchemeKind; year: number; set: Record<string, BoardRow> }>();
    for (const { kind, year, ...row } of rows) {
      const id = boardId(kind, year, bucketOf(row.unitPath));
      const board = byBoard.get(id) ?? { kind, year, set: {} };
      board.set[`rows.${rowKey(row.partyOrgId)}`] = row;
      byBoard.set(id, board);
    }
    await bulkWriteInCommands(
      this.boards.collection,
      [...byBoard].map(([_id, b]) => ({
        updateOne: { filter: { _id }, update: { $set: { kind: b.kind, year: b.year, ...b.set } }, upsert: true },
      })),
      { ordered: false },
    );
    const keys = new Map<string, Set<string | number>>();
    const add = (id: string, value: string | number) => keys.set(id, (keys.get(id) ?? new Set()).add(value));
    for (const r of rows) {
      add(boardKeys.years(r.partyOrgId), r.year);
      add(boardKeys.partyOrgs(r.unitId), r.partyOrgId);
    }
    await bulkWriteInCommands(
      this.factKeys.collection,
      [...keys].map(([_id, values]) => ({
        updateOne: { filter: { _id }, update: { $addToSet: { ids: { $each: [...values].map(String) } } }, upsert: true },
      })),
      { ordered: false },
    );
  }

  /** The ids listed under `fact_keys` documents (`boardKeys`), by document. */
  async keys(ids: readonly string[]): Promise<Map<string, string[]>> {
    const docs = await findByIds<FactKeys>(this.factKeys.collection, ids);
    return new Map(docs.map((d) => [d._id, d.ids]));
  }

  /** The rows of the boards of these buckets whose path holds `root`, ordered by assessment id. */
  async rowsUnder(kind: SchemeKind, year: number, buckets: readonly string[], root: string): Promise<BoardRow[]> {
    const boards = await findByIds<ScoreBoard>(
      this.boards.collection,
      buckets.map((b) => boardId(kind, year, b)),
    );
    return boards
      .flatMap((b) => Object.values(b.rows))
      .filter((r) => r.unitPath.includes(root))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}
