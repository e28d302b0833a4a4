/** Synthetic files for the roster benchmark: a 100 × 40 matrix and a 10,000-row enrolment CSV over the same classes. */
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const GIVEN = '子涵欣怡梓轩浩宇一诺雨桐宇轩可馨诗涵博文思远语嫣俊杰';

export function pupilName(classIndex: number, seat: number): string {
  const n = classIndex * 1000 + seat;
  return `${SURNAMES[n % SURNAMES.length]}${GIVEN[(n * 7) % GIVEN.length]}${GIVEN[(n * 13 + 5) % GIVEN.length]}${classIndex}号${seat}`;
}

export interface BenchClass {
  name: string;
  roomId: string;
  levelName: string;
  teacher: string;
}

export function benchClasses(count: number, tag: string): BenchClass[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `基准${tag}${i + 1}班`, roomId: `wrBench${tag}${i}`, levelName: `L${(i % 7) + 1}`, teacher: `老师${i % 20}`,
  }));
}

export function matrixCsv(classes: readonly BenchClass[], perClass: number): string {
  const rows = [
    ['班级', ...classes.map((c) => c.name)],
    ['主教老师', ...classes.map((c) => c.teacher)],
    ['上课时间', ...classes.map((_, i) => `周${'一二三四五六日'[i % 7]}9:00`)],
    ['所在阶段', ...classes.map((c) => c.levelName)],
    ['群ID', ...classes.map((c) => c.roomId)],
    ...Array.from({ length: perClass }, (_, seat) => [`学员${seat + 1}`, ...classes.map((_, i) => (seat % 17 === 3 ? `${pupilName(i, seat)}(休学)` : pupilName(i, seat)))]),
  ];
  return `${rows.map((r) => r.join(',')).join('\r\n')}\r\n`;
}

/** Every matrix pupil with school, address and a guardian, plus new pupils up to `total` rows. */
export function enrolmentCsv(classes: readonly BenchClass[], perClass: number, total: number): string {
  const rows = [['学员姓名', '手机号身份', '手机号', '所在班级', '学校', '住址', '学员身份证号码', '家长姓名'].join(',')];
  for (let n = 0; rows.length <= total; n++) {
    const classIndex = n % classes.length;
    const seat = Math.floor(n / classes.length);
    rows.push([pupilName(classIndex, seat), n % 3 ? '妈妈' : '爸爸', `199${String(n).padStart(8, '0')}`, classes[classIndex]!.name, `实验小学${n % 30}`,
      `某路${n}号`, '', `家长${n}`].join(','));
    if (seat >= perClass * 100) break;
  }
  return `${rows.join('\r\n')}\r\n`;
}
