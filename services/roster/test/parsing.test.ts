import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '@doitcrm/kit';
import { generateSchool, rosterCsv } from '@doitcrm/demo-data';
import { className, pupilCell, schedule, splitEnglishName } from '../src/domain/cell-rules.ts';
import { parseRosterFile } from '../src/domain/parse-roster-file.ts';
import { parseStage } from '../src/domain/stage.ts';

const utf8 = (text: string) => Buffer.from(text, 'utf8');
const matrix = (lines: string[]) => parseRosterFile(utf8(lines.join('\r\n')), 'roster.csv', 'matrix').draft;

function rejection(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('matrix cell rules', () => {
  it.each([
    ['X班（周六上午）', 'X班'], ['Y班(暑假)', 'Y班'], ['Z班', 'Z班'], ['（全角）', '（全角）'], [' 小熊1班 ', '小熊1班'],
  ])('when a class header is %s, then the class is named %s', (raw, expected) => {
    expect(className(raw)).toBe(expected);
  });

  it.each([
    ['L3', null, 'L3'], ['Ｌ3', null, 'L3'], ['l5', null, 'L5'], ['二段L4', '二段', 'L4'], ['三段 7', '三段', 'L7'],
    ['一段', '一段', null], ['Ｌ３', null, 'L3'], ['3', null, 'L3'],
  ])('when the stage cell is %s, then section %s and level %s', (raw, section, level) => {
    expect(parseStage(raw)).toMatchObject({ sectionName: section, levelName: level, recognised: true });
  });

  it('when the stage cell is "L3" alone, then it is L3, not the original\'s L1 fallback (regression)', () => {
    const draft = matrix(['班级,A班', '所在阶段,L3', '学员1,张三']);
    expect(draft.classes[0]).toMatchObject({ levelName: 'L3', sectionName: null });
  });

  it('when the stage cell names a section, then the section is kept for the class (the original ignored 段)', () => {
    const draft = matrix(['班级,A班', '所在阶段,二段L4', '学员1,张三']);
    expect(draft.classes[0]).toMatchObject({ sectionName: '二段', levelName: 'L4' });
  });

  it('when the stage cell is unreadable, then the class keeps no level and a warning names row and column', () => {
    const draft = matrix(['班级,A班,B班', '所在阶段,L1,高级', '学员1,张三,李四']);
    expect(draft.classes[1]!.levelName).toBeNull();
    expect(draft.warnings).toContainEqual(expect.objectContaining({ row: 2, column: 3, field: 'stage' }));
  });

  it.each([['六 9:00', '周六 9:00'], ['天10:00', '周日10:00'], ['日 8:00', '周日 8:00'], ['周六9:00', '周六9:00'], ['9:00', '9:00']])(
    'when a schedule cell is %s, then it reads %s', (raw, expected) => {
      expect(schedule(raw)).toBe(expected);
    },
  );

  it.each([
    ['张三', { name: '张三', status: '在读' }], ['张三(休学)', { name: '张三', status: '休学' }], ['张三（已退费）', { name: '张三', status: '已退费' }],
    ['张三 (停课)', { name: '张三', status: '停课' }], ['张三()', { name: '张三', status: '在读' }], ['', null], ['/', null], ['／', null],
  ])('when a pupil cell is "%s", then it reads %j', (raw, expected) => {
    expect(pupilCell(raw)).toEqual(expected);
  });

  it('when a name carries an English nickname before the Chinese name, then the two are split', () => {
    expect(splitEnglishName('Lisa杜墨熙')).toEqual({ name: '杜墨熙', englishName: 'Lisa' });
    expect(splitEnglishName('杜墨熙')).toEqual({ name: '杜墨熙', englishName: null });
    expect(splitEnglishName('Tom')).toEqual({ name: 'Tom', englishName: null });
  });
});

describe('matrix layout', () => {
  it('when pupils are plain names without brackets, then every one is kept (the original server parser dropped them)', () => {
    const draft = matrix(['班级,A班', '学员1,张三', '学员2,李四(休学)', '学生3,王五']);
    expect(draft.students.map((s) => [s.name, s.status])).toEqual([['张三', '在读'], ['李四', '休学'], ['王五', '在读']]);
  });

  it('when the 群ID row comes below the pupils, then the class still gets its group (regression)', () => {
    const draft = matrix(['班级,A班', '学员1,张三', '学员2,李四', '群ID,wrAAA']);
    expect(draft.classes[0]!.roomId).toBe('wrAAA');
    expect(draft.students.every((s) => s.classIndex === 0)).toBe(true);
  });

  it('when rows use the alternative labels, then each one is recognised', () => {
    const draft = matrix(['班级,A班', '主教,王老师', '班主任,李老师', '上课时间,六 9:00', '下课时间,六 10:00', '升级升班情况,春季升段',
      '课程进度,Unit 3', 'roomid,wrB', '学员1,张三']);
    expect(draft.classes[0]).toMatchObject({
      teacher: '王老师', headTeacher: '李老师', startTime: '周六 9:00', endTime: '周六 10:00', promotion: '春季升段', courseProgress: 'Unit 3', roomId: 'wrB',
    });
  });

  it.each(['room_id', '群组ID', '群ID', 'ROOM_ID'])('when the group row is labelled %s, then it sets the room id', (label) => {
    expect(matrix(['班级,A班', `${label},wrC`, '学员1,张三']).classes[0]!.roomId).toBe('wrC');
  });

  it('when cells are empty or slashes, then they are counted as ignored and unknown rows are skipped', () => {
    const draft = matrix(['班级,A班,B班', '备注,随便,写写', '学员1,张三,/', '学员2,,／']);
    expect(draft.students).toHaveLength(1);
    expect(draft.ignoredCells).toBe(3);
  });

  it('when a column has data but no class name, then it is ignored with a warning naming the column', () => {
    const draft = matrix(['班级,A班,', '学员1,张三,李四']);
    expect(draft.students).toHaveLength(1);
    expect(draft.warnings).toContainEqual(expect.objectContaining({ row: 1, column: 3 }));
  });

  it('when the pupil cell quotes commas and doubled quotes, then csv-parse reads it whole', () => {
    const draft = matrix(['班级,"A班,周六"', '学员1,"张""三"""']);
    expect(draft.classes[0]!.name).toBe('A班,周六');
    expect(draft.students[0]!.name).toBe('张"三"');
  });

  it('when the demo school\'s roster is parsed, then every class and enrolment of the school is there', () => {
    const school = generateSchool();
    const draft = matrix(rosterCsv(school).trimEnd().split('\r\n'));
    expect(draft.classes).toHaveLength(school.classes.length);
    expect(draft.students).toHaveLength(school.students.reduce((sum, s) => sum + s.classKeys.length, 0));
    expect(draft.warnings).toEqual([]);
  });
});

describe('enrolment CSV', () => {
  const header = '学员姓名,手机号身份,手机号,所在班级,学校,住址,学员身份证号码,家长姓名';

  it('when a class cell lists two classes, then the pupil is enrolled in both', () => {
    const { draft } = parseRosterFile(utf8(`${header}\r\nTom张三,妈妈,19900000001,A班;B班,实验小学,某路1号,,王芳\r\n`), 'e.csv');
    expect(draft.kind).toBe('enrolment');
    expect(draft.students.map((s) => s.className)).toEqual(['A班', 'B班']);
    expect(draft.students[0]).toMatchObject({ name: '张三', englishName: 'Tom', school: '实验小学', guardian: { phone: '19900000001', relation: '妈妈', name: '王芳' } });
  });

  it('when the class cell is "-", then the pupil has no class', () => {
    const { draft } = parseRosterFile(utf8(`${header}\r\n李四,,19900000002,-,,,,\r\n`), 'e.csv');
    expect(draft.students[0]!.className).toBeNull();
  });

  it('when a required column is missing, then the 400 names it', () => {
    const error = rejection(() => parseRosterFile(utf8('学员姓名,手机号\r\n张三,1\r\n'), 'e.csv', 'enrolment'));
    expect(error.message).toContain('所在班级');
    expect(error.details).toContainEqual(expect.objectContaining({ field: '所在班级', line: 1 }));
  });
});

describe('encodings and bad files', () => {
  const text = '班级,熊猫1班\r\n所在阶段,二段L4\r\n学员1,张三(休学)\r\n';

  it.each([
    ['utf8', utf8(text)], ['utf8-bom', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(text)])],
    ['gb18030', iconv.encode(text, 'gbk')], ['gb18030', iconv.encode(text, 'gb18030')],
  ] as const)('when the file is %s, then it is detected and read the same', (encoding, bytes) => {
    const parsed = parseRosterFile(bytes, 'roster.csv');
    expect(parsed.encoding).toBe(encoding);
    expect(parsed.draft.classes[0]).toMatchObject({ name: '熊猫1班', levelName: 'L4' });
    expect(parsed.draft.students[0]).toMatchObject({ name: '张三', status: '休学' });
  });

  it('when the file is an xlsx (zip), then the 400 says it is not a CSV', () => {
    const error = rejection(() => parseRosterFile(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 1]), 'roster.xlsx'));
    expect(error.message).toContain('不是 CSV');
  });

  it('when the CSV has an unclosed quote, then the 400 names the file and line', () => {
    const error = rejection(() => parseRosterFile(utf8('班级,A班\r\n学员1,"张三\r\n'), 'bad.csv'));
    expect(error.details?.[0]).toMatchObject({ field: 'file', file: 'bad.csv' });
    expect(error.details?.[0]?.line).toBeGreaterThan(0);
  });

  it('when the CSV has no roster rows, then the 400 explains the expected layout', () => {
    const error = rejection(() => parseRosterFile(utf8('a,b\r\n1,2\r\n'), 'x.csv'));
    expect(error.message).toContain('不是花名册矩阵格式');
  });

  it('when the file is empty, then the 400 says so', () => {
    expect(rejection(() => parseRosterFile(Buffer.alloc(0), 'x.csv')).message).toContain('空文件');
  });
});
