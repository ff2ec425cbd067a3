import type { IndicatorGroup, SchemeBody, SchemeKind } from '@pb/contracts';

const manual = { type: 'manual' } as const;
const GRADES = { excellent: 90, good: 80, pass: 60 };

/** One group of indicators, each `[key, name, max, rule]`. */
function group(
  key: string,
  name: string,
  weight: number,
  indicators: [string, string, number, IndicatorGroup['indicators'][number]['rule']][],
) {
  return { key, name, weight, indicators: indicators.map(([k, n, max, rule]) => ({ key: k, name: n, max, rule })) };
}

/**
 * The schemes the platform ships (DOMAIN.md, evaluation): in force for a year until the city bureau
 * edits them. Derived indicators score from the event streams (reports, members, training).
 */
export const SHIPPED_SCHEMES: Record<SchemeKind, SchemeBody> = {
  /** 五个好 FiveGoodsAssessment: 领导班子好、党员队伍好、工作机制好、工作业绩好、群众反映好. */
  'five-goods': {
    name: { zh: '“五个好”党组织目标考核', en: 'Five goods target assessment (FiveGoodsAssessment)' },
    groups: [
      group('leadership-team', '领导班子好 Good leadership team', 20, [
        ['leadership-responsibility', '落实党建主体责任 Responsibility for party building', 10, manual],
        ['leadership-study', '班子理论学习 Theory study of the leadership', 10, manual],
      ]),
      group('member-team', '党员队伍好 Good member team', 20, [
        [
          'member-development',
          '党员发展程序合规 Member development within the rules',
          10,
          { type: 'derived', metric: 'members.within-rules' },
        ],
        ['member-training', '教师培训完成 Training completed', 10, { type: 'derived', metric: 'training.completion-rate' }],
      ]),
      group('work-mechanism', '工作机制好 Good work mechanism', 20, [
        ['reporting-on-time', '半月报按时报送 Half-month reports on time', 10, { type: 'derived', metric: 'reporting.on-time-rate' }],
        ['reporting-completeness', '半月报完整报送 Half-month reports complete', 10, { type: 'derived', metric: 'reporting.completeness' }],
      ]),
      group('work-performance', '工作业绩好 Good work performance', 25, [
        ['performance-results', '党建工作成效 Results of party-building work', 15, manual],
        ['performance-practices', '好经验好作法好典型 Good practices worth spreading', 10, manual],
      ]),
      group('public-feedback', '群众反映好 Good feedback from the public', 15, [
        ['feedback-satisfaction', '师生群众满意度 Satisfaction of teachers, students and parents', 10, manual],
      ]),
    ],
    grades: GRADES,
  },
  /** 四优学校 FourExcellences: 校园环境优美、教育服务优质、教学业绩优异、学生成绩优秀. */
  'four-excellences': {
    name: { zh: '“四优”学校评价', en: 'Four excellences schools (FourExcellences)' },
    groups: [
      group('campus-environment', '校园环境优美 Campus environment', 25, [
        ['campus-environment', '校园环境 Campus environment', 10, manual],
      ]),
      group('education-service', '教育服务优质 Education service', 25, [['education-service', '教育服务 Education service', 10, manual]]),
      group('teaching-results', '教学业绩优异 Teaching results', 25, [
        ['teaching-results', '教学业绩 Teaching results', 10, manual],
        ['teacher-certification', '教师培训认定 Teachers certified', 5, { type: 'derived', metric: 'training.certification-rate' }],
      ]),
      group('student-results', '学生成绩优秀 Student results', 25, [['student-results', '学生成绩 Student results', 10, manual]]),
    ],
    grades: GRADES,
  },
  /** 四强四比: 强素质比能力、强服务比作风、强考核比实绩、强纪律比形象. */
  'four-strengthens': {
    name: { zh: '“四强四比”活动评价', en: 'Four strengthens, four compares' },
    groups: [
      group('quality-ability', '强素质比能力 Quality and ability', 25, [
        ['quality-ability', '素质能力 Quality and ability', 10, manual],
        ['quality-training', '培训完成 Training completed', 5, { type: 'derived', metric: 'training.completion-rate' }],
      ]),
      group('service-style', '强服务比作风 Service and style', 25, [['service-style', '服务作风 Service and style', 10, manual]]),
      group('assessment-results', '强考核比实绩 Assessment and results', 25, [
        ['assessment-results', '考核实绩 Assessment and results', 10, manual],
        ['assessment-reporting', '半月报按时报送 Half-month reports on time', 5, { type: 'derived', metric: 'reporting.on-time-rate' }],
      ]),
      group('discipline-image', '强纪律比形象 Discipline and image', 25, [
        ['discipline-image', '纪律形象 Discipline and image', 10, manual],
      ]),
    ],
    grades: GRADES,
  },
};
