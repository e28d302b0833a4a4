import { toCsv } from '@doitcrm/kit';

/** Made-up rows (no real person; 1990000xxxx numbers as the demo data uses) in the columns seed 002 requires. */
const SAMPLE = [
  { userId: 'u_5f1c2a9e0b7d3_Ab12Cd34Ef', nickname: '小林', phone: '19900001234', course: '非暴力沟通入门课', studyDate: '2025-03-01 19:30:00' },
  { userId: 'u_5f1c2a9e0b7d3_Ab12Cd34Ef', nickname: '小林', phone: '19900001234', course: '亲子沟通工作坊', studyDate: '2025/3/15' },
  { userId: 'u_7a3e9c1d4f2b8_Gh56Ij78Kl', nickname: '晴天', phone: '', course: '非暴力沟通入门课', studyDate: '2025年3月2日' },
];

/** The sample export offered for download: UTF-8 with BOM (Excel opens it right), the required columns and 手机号. */
export function sampleCsv(): string {
  return toCsv(SAMPLE, [
    { header: '用户ID', value: (r) => r.userId }, { header: '昵称', value: (r) => r.nickname }, { header: '手机号', value: (r) => r.phone },
    { header: '课程', value: (r) => r.course }, { header: '学习日期', value: (r) => r.studyDate },
  ]);
}
