// The demo city generator: a deterministic, made-up city (no real people or places) with its
// counties, schools, party organisations, members with milestones that keep the default rules,
// a few imported histories that break them, contact points and visits. `npm run seed` sends it
// through the gateway; the benchmarks use the same generator for a 10,000-school city.

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦傅方白邹孟熊秦邱江尹薛阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN =
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅玉兰文辉志强海燕丽娟春梅金凤国庆晓东雪梅海涛俊杰婷婷佳怡子涵浩然雨欣宇轩思远嘉怡明辉雅琴晓红建华';
const PLACES = [
  '东湖',
  '西山',
  '南河',
  '北原',
  '青松',
  '翠竹',
  '柳溪',
  '枫林',
  '桃源',
  '明德',
  '育才',
  '启明',
  '红星',
  '曙光',
  '向阳',
  '新华',
  '光明',
  '和平',
  '长青',
  '文昌',
];
const COUNTY_NAMES = ['东湖区', '西山县', '南河县', '北原区', '青松县', '柳溪区'];
const STAGES = [
  ['小学', 0.55],
  ['中学', 0.3],
  ['高级中学', 0.1],
  ['职业技术学校', 0.05],
];

/** A small seeded PRNG (mulberry32): the same seed gives the same city. */
export function rng(seed = 20260101) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}

const pad = (n, w) => String(n).padStart(w, '0');
const iso = (d) => d.toISOString().slice(0, 10);
const addDays = (date, days) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return iso(d);
};
const addYears = (date, years) => {
  const [y, m, d] = date.split('-').map(Number);
  const last = new Date(Date.UTC(y + years, m, 0)).getUTCDate();
  return `${y + years}-${pad(m, 2)}-${pad(Math.min(d, last), 2)}`;
};

export function chineseName(r) {
  const given = r.chance(0.6) ? r.pick([...GIVEN]) + r.pick([...GIVEN]) : r.pick([...GIVEN]);
  return r.pick([...SURNAMES]) + given;
}

/** A made-up resident id number: region 99xxxx (no such province), valid check digit, born on `birthDate`. */
export function idNumber(r, birthDate, gender) {
  const body = `99${pad(r.int(0, 9999), 4)}${birthDate.replaceAll('-', '')}${pad(r.int(0, 99), 2)}${gender === 'male' ? r.pick([1, 3, 5, 7, 9]) : r.pick([0, 2, 4, 6, 8])}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, c, i) => s + Number(c) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}

const MILESTONE_ORDER = [
  'application',
  'first-talk',
  'activist',
  'development-target',
  'political-check',
  'branch-conference',
  'probationary-approval',
  'oath',
  'full-member-conference',
  'full-member-approval',
];
const REACHED = { applicant: 2, activist: 3, 'development-target': 5, probationary: 8, full: 10 };

/**
 * Milestones up to a status, dated backwards from `today` so that they keep the default rules
 * (one month to the first talk, a year of training, a probationary year). `breakRule` makes an
 * imported history with a probationary period that was too short.
 */
export function milestones(r, status, today, breakRule = false) {
  const gaps = [
    0,
    r.int(5, 25),
    r.int(60, 180),
    r.int(370, 540),
    r.int(20, 60),
    r.int(20, 60),
    r.int(10, 60),
    r.int(5, 30),
    0,
    r.int(10, 30),
  ];
  const count = REACHED[status];
  let total = 0;
  for (let i = 1; i < count; i++) total += i === 8 ? 0 : gaps[i];
  if (count >= 9) total += 400;
  const start = addDays(today, -(total + r.int(30, status === 'full' ? 6000 : 300)));
  const out = [{ kind: 'application', date: start }];
  for (let i = 1; i < count; i++) {
    const prev = out[i - 1].date;
    let date;
    if (i === 8) {
      const conference = out[5].date;
      date = breakRule ? addDays(conference, r.int(200, 330)) : addDays(addYears(conference, 1), r.int(0, 30));
      if (date < prev) date = prev;
    } else date = addDays(prev, gaps[i]);
    out.push({ kind: MILESTONE_ORDER[i], date });
  }
  return out;
}

/**
 * The city. Options: schools (about 100), counties (3), cityDirectShare (part of the schools
 * directly under the city), districtSize (0, or group each county's schools in 学区 units of this
 * size), members (per branch, default 3-6; 0 for none), seed.
 */
export function generateCity({
  schools = 100,
  counties = 3,
  cityDirectShare = 0.08,
  districtSize = 0,
  members = true,
  contactPoints = true,
  seed = 20260101,
  today = iso(new Date()),
  cityId = 'city',
} = {}) {
  const r = rng(seed);
  const city = { id: cityId, code: 'CITY', name: '示范市教育局', kind: 'city-bureau', parentId: null, openedOn: '1983-01-01' };
  const countyUnits = [];
  for (let c = 1; c <= counties; c++) {
    countyUnits.push({
      id: `${cityId}-county-${c}`,
      code: `C${pad(c, 2)}`,
      name: `${COUNTY_NAMES[(c - 1) % COUNTY_NAMES.length]}${c > COUNTY_NAMES.length ? c : ''}教育局`,
      kind: 'county-bureau',
      parentId: cityId,
      openedOn: '1985-01-01',
    });
  }
  const units = [...countyUnits];
  const schoolUnits = [];
  const direct = Math.round(schools * cityDirectShare);
  const perCounty = counties > 0 ? Math.ceil((schools - direct) / counties) : 0;
  for (let i = 1; i <= schools; i++) {
    const isDirect = i <= direct || counties === 0;
    const countyIndex = isDirect ? -1 : Math.floor((i - direct - 1) / perCounty);
    let parentId = isDirect ? cityId : countyUnits[countyIndex].id;
    if (!isDirect && districtSize > 0) {
      const local = (i - direct - 1) % perCounty;
      const districtId = `${parentId}-district-${pad(Math.floor(local / districtSize) + 1, 3)}`;
      if (!units.some((u) => u.id === districtId)) {
        units.push({
          id: districtId,
          code: `${countyUnits[countyIndex].code}-D${pad(Math.floor(local / districtSize) + 1, 3)}`,
          name: `第${Math.floor(local / districtSize) + 1}学区`,
          kind: 'unit',
          parentId,
          openedOn: '2001-09-01',
        });
      }
      parentId = districtId;
    }
    let roll = r.next();
    let stage = STAGES[0][0];
    for (const [name, p] of STAGES) {
      if (roll < p) {
        stage = name;
        break;
      }
      roll -= p;
    }
    const place = r.pick(PLACES);
    const school = {
      id: `${cityId}-school-${pad(i, 5)}`,
      code: `S${pad(i, 5)}`,
      name: `${isDirect ? '市直' : ''}${place}${stage === '小学' ? `第${i}` : ''}${stage}`.replace(/^市直(.*)$/, '市$1'),
      kind: 'school',
      parentId,
      openedOn: `${r.int(1950, 2015)}-09-01`,
    };
    schoolUnits.push(school);
    units.push(school);
  }

  const partyOrgs = [];
  const branches = [];
  const person = () => ({ name: chineseName(r), title: '' });
  const bureauParty = {
    id: `${cityId}-party`,
    unitId: cityId,
    kind: 'committee',
    name: '市教育局机关党委',
    principal: { ...person(), title: '党委书记' },
    deputy: { ...person(), title: '党委副书记' },
  };
  partyOrgs.push(bureauParty);
  for (const s of schoolUnits) {
    const size = r.next();
    const base = { unitId: s.id, foundedOn: s.openedOn };
    if (size < 0.2) {
      const top = {
        ...base,
        id: `${s.id}-pc`,
        kind: 'committee',
        name: `${s.name}党委`,
        principal: { ...person(), title: '党委书记' },
        deputy: { ...person(), title: '党委副书记' },
      };
      partyOrgs.push(top);
      for (let b = 1; b <= 3; b++)
        branches.push({
          ...base,
          id: `${s.id}-b${b}`,
          kind: 'branch',
          name: `${s.name}第${b}党支部`,
          parentPartyOrgId: top.id,
          principal: { ...person(), title: '支部书记' },
          deputy: { ...person(), title: '组织委员' },
        });
    } else if (size < 0.55) {
      const top = {
        ...base,
        id: `${s.id}-pg`,
        kind: 'general-branch',
        name: `${s.name}党总支`,
        principal: { ...person(), title: '党总支书记' },
        deputy: { ...person(), title: '党总支副书记' },
      };
      partyOrgs.push(top);
      for (let b = 1; b <= 2; b++)
        branches.push({
          ...base,
          id: `${s.id}-b${b}`,
          kind: 'branch',
          name: `${s.name}第${b}党支部`,
          parentPartyOrgId: top.id,
          principal: { ...person(), title: '支部书记' },
          deputy: { ...person(), title: '组织委员' },
        });
    } else {
      // Some city-direct schools report to both levels (市、县两级) when they sit in a county.
      branches.push({
        ...base,
        id: `${s.id}-b1`,
        kind: 'branch',
        name: `${s.name}党支部`,
        routing: r.chance(0.15) ? 'both-levels' : 'single',
        principal: { ...person(), title: '支部书记' },
        deputy: { ...person(), title: '组织委员' },
      });
    }
  }
  partyOrgs.push(...branches);

  const memberList = [];
  if (members) {
    for (const b of branches) {
      const n = typeof members === 'number' ? members : r.int(3, 6);
      for (let m = 1; m <= n; m++) {
        const gender = r.chance(0.62) ? 'female' : 'male';
        const status = r.pick(['full', 'full', 'full', 'full', 'probationary', 'development-target', 'activist', 'applicant']);
        const imported = r.chance(0.03);
        const ms = milestones(r, imported ? 'full' : status, today, imported);
        const birthDate = addDays(ms[0].date, -r.int(20 * 365, 40 * 365));
        memberList.push({
          partyOrgId: b.id,
          body: {
            id: `${b.id}-m${pad(m, 2)}`,
            person: { name: chineseName(r), gender, birthDate, idNumber: idNumber(r, birthDate, gender) },
            milestones: ms,
            ...(imported ? { imported: true } : {}),
          },
        });
      }
    }
  }

  const contactPointList = [];
  if (contactPoints) {
    for (const [i, s] of schoolUnits.entries()) {
      if (i % 5 !== 0) continue;
      const bureau =
        s.parentId === cityId || r.chance(0.3)
          ? cityId
          : (countyUnits.find((c) => s.parentId === c.id || s.parentId.startsWith(`${c.id}-`))?.id ?? cityId);
      const since = `${r.int(2021, 2025)}-0${r.int(1, 9)}-01`;
      contactPointList.push({
        body: {
          id: `${s.id}-cp`,
          cadreAccountId: `cadre-${pad(i, 4)}`,
          cadreName: chineseName(r),
          cadreUnitId: bureau,
          schoolId: s.id,
          programme: r.pick(['三联三进', '两挂两互', '干部下基层']),
          since,
        },
        visits: Array.from({ length: r.int(1, 3) }, (_, v) => ({
          date: addDays(since, 30 + v * 90),
          purpose: r.pick(['指导党建工作', '调研半月报落实情况', '帮扶薄弱学校', '宣讲党的理论']),
          outcome: r.pick(['完善了三会一课记录', '确定了整改清单', '建立了结对帮扶机制', '组织了主题党日活动']),
        })).filter((v) => v.date <= today),
      });
    }
  }

  const identities = [
    { role: 'city-admin', orgUnitId: cityId, sub: 'demo-city-admin', label: '市教育局管理员' },
    ...countyUnits.map((c, i) => ({ role: 'county-admin', orgUnitId: c.id, sub: `demo-county-admin-${i + 1}`, label: `${c.name}管理员` })),
    ...schoolUnits
      .filter((_, i) => i % Math.max(1, Math.floor(schoolUnits.length / 3)) === 0)
      .slice(0, 3)
      .map((s, i) => ({ role: 'school-secretary', orgUnitId: s.id, sub: `demo-secretary-${i + 1}`, label: `${s.name}党组织书记` })),
    { role: 'inspector', orgUnitId: cityId, sub: 'demo-inspector-city', label: '市教育局检查人员' },
    ...(countyUnits[0]
      ? [{ role: 'inspector', orgUnitId: countyUnits[0].id, sub: 'demo-inspector-county-1', label: `${countyUnits[0].name}检查人员` }]
      : []),
    { role: 'analyst', orgUnitId: cityId, sub: 'demo-analyst', label: '数据分析人员' },
  ];

  return { city, units, schools: schoolUnits, partyOrgs, members: memberList, contactPoints: contactPointList, identities };
}
