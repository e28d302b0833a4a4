import { ElMessage, ElMessageBox } from 'element-plus';
import { ref } from 'vue';
import type { ErrorsOf } from './draft-store.ts';

/** What the saving needs of a tab's draft store (users and rooms have their own). */
export interface SavableDrafts<Row, Edits> {
  dirtyIds: { value: string[] };
  save(originalId: string, fieldOf: (field: string | undefined) => keyof Edits | 'row'): Promise<Row | null>;
  errorsOf(originalId: string): ErrorsOf<Edits>;
  discardAll(): void;
}

/**
 * Row saves and "全部保存" for a tab. Rows are saved one at a time, so each validation message lands on its own row;
 * a saved row replaces the listed one through `onSaved`.
 */
export function useDraftSaving<Row, Edits>(
  drafts: SavableDrafts<Row, Edits>,
  fieldOf: (field: string | undefined) => keyof Edits | 'row',
  onSaved: (row: Row) => void,
  unit: string,
) {
  const savingAll = ref(false);

  async function saveRow(originalId: string): Promise<boolean> {
    const saved = await drafts.save(originalId, fieldOf);
    if (saved) onSaved(saved);
    return saved !== null;
  }

  async function saveOne(originalId: string): Promise<void> {
    if (await saveRow(originalId)) ElMessage.success('已保存');
    else if (Object.keys(drafts.errorsOf(originalId)).length > 0) ElMessage.error('保存失败，原因显示在这一行里');
  }

  async function saveAll(): Promise<void> {
    savingAll.value = true;
    let saved = 0;
    let failed = 0;
    try {
      for (const originalId of [...drafts.dirtyIds.value]) {
        if (await saveRow(originalId)) saved += 1;
        else failed += 1;
      }
    } finally {
      savingAll.value = false;
    }
    if (failed === 0) ElMessage.success(`已保存 ${saved} ${unit}`);
    else ElMessage.warning(`成功 ${saved} ${unit}，失败 ${failed} ${unit}：失败原因显示在各行里`);
  }

  async function discardAll(): Promise<void> {
    try {
      await ElMessageBox.confirm(`撤销 ${drafts.dirtyIds.value.length} ${unit}未保存的修改？`, '全部撤销', {
        type: 'warning', confirmButtonText: '全部撤销', cancelButtonText: '保留修改',
      });
    } catch {
      return;
    }
    drafts.discardAll();
  }

  return { savingAll, saveOne, saveAll, discardAll };
}
