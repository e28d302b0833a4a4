import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { exportCsv, useFeishuSyncApp } from './feishu-fixture.ts';

const { t, api } = useFeishuSyncApp(['staff', 'viewer'], { env: { FEISHU_SYNC_MAX_UPLOAD_MB: '0.05' } });
const upload = (bytes: Buffer, name: string, cookie = t.cookies.staff) => api().post('/api/uploads').set('Cookie', cookie).attach('file', bytes, name);
const rows = async (sql: string, values: unknown[] = []) => (await t.context.pool.query(sql, values)).rows;

const HEADER = ['用户ID', '昵称', '手机号', '课程', '学习日期'];
const GOOD = [
  ['u_aaa_1', '小林', '19900001234', '非暴力沟通入门课', '2025-03-01 19:30:00'],
  ['u_aaa_1', '小林', '19900001234', '亲子沟通工作坊', '2025/3/15'],
  ['u_bbb_2', '晴天', '', '非暴力沟通入门课', '2025年3月2日'],
];

describe('upload', () => {
  it('when a page on another site makes a signed-in staff browser upload an export, then it is refused with 403 and nothing is stored', async () => {
    const before = await rows('SELECT count(*)::int AS n FROM feishu.uploads');

    const response = await upload(Buffer.from(`${HEADER.join(',')}\n${GOOD[0]!.join(',')}\n`), '跨站.csv').set('Origin', 'https://evil.example');

    expect(response.status).toBe(403);
    expect(await rows('SELECT count(*)::int AS n FROM feishu.uploads')).toEqual(before);
  });

  it('when a GBK export is uploaded, then it is read as GBK, the Chinese cells come through and phones are answered masked', async () => {
    const response = await upload(iconv.encode(exportCsv(HEADER, GOOD), 'gbk'), '学员导出.csv');

    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ format: 'csv', encoding: 'GBK / GB18030', totalRows: 3, validRows: 3, errorCount: 0 });
    expect(response.body.preview.map((r: { nickname: string; course: string; studyDate: string }) => [r.nickname, r.course, r.studyDate]))
      .toEqual([['小林', '非暴力沟通入门课', '2025-03-01'], ['小林', '亲子沟通工作坊', '2025-03-15'], ['晴天', '非暴力沟通入门课', '2025-03-02']]);
    expect(response.body.preview[0].phone).toBe('199****1234');
    expect(JSON.stringify(response.body)).not.toContain('19900001234');
    const [stored] = await rows('SELECT rows FROM feishu.uploads WHERE id = $1', [response.body.uploadId]);
    expect(stored.rows[0].phone).toBe('19900001234');
    expect(await rows("SELECT target_id FROM auth.audit_log WHERE action = 'feishu.upload.preview' AND target_id = $1", [String(response.body.uploadId)])).toHaveLength(1);
  });

  it('when a UTF-8 export with a BOM is uploaded, then the page is told so and the first column is still 用户ID', async () => {
    const response = await upload(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(exportCsv(HEADER, GOOD))]), 'bom.csv');

    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ encoding: 'UTF-8（带 BOM）', validRows: 3, columns: { userId: '用户ID' } });
    expect(response.body.preview[0].userId).toBe('u_aaa_1');
  });

  it('when an xlsx export with real date cells is uploaded, then its rows are read like a CSV', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('订单');
    sheet.addRow(HEADER);
    sheet.addRow(['u_x_1', '小雨', '19900005678', '倾听与表达进阶营', new Date(Date.UTC(2025, 3, 9, 10, 0))]);
    sheet.addRow(['u_x_2', '阿杰', 19900005679, '冲突转化实践课', '2025-04-10']);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());

    const response = await upload(bytes, '订单.xlsx');

    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ format: 'xlsx', encoding: null, validRows: 2, errorCount: 0 });
    expect(response.body.preview.map((r: { studyDate: string }) => r.studyDate)).toEqual(['2025-04-09', '2025-04-10']);
    expect(response.body.preview[1].phone).toBe('199****5679');
  });

  it('when rows are bad, then each problem names its row and column and the good rows are kept', async () => {
    const bad = [...GOOD, ['u_ccc_3', '', '19900001111', '自我关怀读书会', '2025-03-05'], ['u_ddd_4', '小北', '12345', '自我关怀读书会', '2025-13-40']];

    const response = await upload(Buffer.from(exportCsv(HEADER, bad)), 'bad.csv');

    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ totalRows: 5, validRows: 3, errorCount: 3 });
    expect(response.body.errors).toEqual([
      expect.objectContaining({ row: 5, column: '昵称', message: expect.stringContaining('第 5 行「昵称」') }),
      expect.objectContaining({ row: 6, column: '学习日期', message: expect.stringContaining('第 6 行「学习日期」') }),
      expect.objectContaining({ row: 6, column: '手机号', message: expect.stringContaining('第 6 行「手机号」') }),
    ]);
  });

  it('when the export names its columns differently, then a saved mapping (and the usual 小鹅通 names) find them', async () => {
    const header = ['用户id', '用户昵称', '商品名称', '购买时间', '联系方式'];
    const csv = Buffer.from(exportCsv(header, [['u_m_1', '米粒', '非暴力沟通入门课', '2025-05-01 08:00:00', '19900002222']]));

    const before = await upload(csv, 'renamed.csv');
    const saved = await api().put('/api/mapping').set('Cookie', t.cookies.staff).send({ phone: '联系方式' });
    const after = await upload(csv, 'renamed.csv');

    expect(before.status).toBe(201);
    expect(before.body.columns).toEqual({ userId: '用户id', nickname: '用户昵称', course: '商品名称', studyDate: '购买时间' });
    expect(before.body.preview[0].phone).toBeNull();
    expect(saved.status).toBe(200);
    expect((await api().get('/api/mapping').set('Cookie', t.cookies.viewer)).body).toEqual({ phone: '联系方式' });
    expect(after.body.columns.phone).toBe('联系方式');
    expect(after.body.preview[0].phone).toBe('199****2222');
  });

  it('when a required column is missing, then the upload is refused naming it', async () => {
    const response = await upload(Buffer.from(exportCsv(['用户ID', '昵称', '学习日期'], [['u_1', 'a', '2025-01-01']])), 'short.csv');

    expect(response.status).toBe(400);
    expect(response.body.message).toContain('缺少必需的列：课程');
  });

  it('when the file is larger than the stated limit, then it is refused with 413 naming the limit', async () => {
    const response = await upload(Buffer.alloc(60 * 1024, 'a'), 'big.csv');

    expect(response.status).toBe(413);
    expect(response.body.message).toContain('0.05 MB');
  });

  it('when a viewer uploads, then it is refused; the sample file downloads with the required columns', async () => {
    const refused = await upload(Buffer.from(exportCsv(HEADER, GOOD)), 'x.csv', t.cookies.viewer);
    const sample = await api().get('/api/sample.csv').set('Cookie', t.cookies.viewer);
    const checked = await upload(Buffer.from(sample.text), 'sample.csv');

    expect(refused.status).toBe(403);
    expect(sample.status).toBe(200);
    expect(sample.text.split('\r\n')[0]).toBe('\uFEFF用户ID,昵称,手机号,课程,学习日期');
    expect(checked.body).toMatchObject({ validRows: 3, errorCount: 0 });
  });
});
