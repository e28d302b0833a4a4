import { ApiError } from '@doitcrm/ui';
import { ElMessageBox } from 'element-plus';
import type { ClassOption, RoomMapping } from './api-types.ts';
import { classLabel } from './labels.ts';
import { linkClassRoom } from './mapper-api.ts';

/** Resolves false when the user says no; the texts are set as plain text (the box escapes them). */
async function confirmed(message: string, title: string, confirmButtonText: string): Promise<boolean> {
  try {
    await ElMessageBox.confirm(message, title, { type: 'warning', confirmButtonText, cancelButtonText: '取消' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Links a group to a class, asking first whenever the link takes something away: the class's current group
 * (known from the option), or another class that owns this group (the server's 409, then resent with force).
 * Resolves with the updated class, or null when the user cancelled.
 */
export async function linkRoomToClass(room: RoomMapping, option: ClassOption): Promise<ClassOption | null> {
  if (option.roomId && option.roomId !== room.originalId) {
    const other = option.roomName || option.roomId;
    const ok = await confirmed(
      `班级“${classLabel(option)}”已关联群“${other}”。改为关联本群后，原来的群将不再关联这个班级。`,
      '更换班级的群', '改为关联本群',
    );
    if (!ok) return null;
  }
  try {
    return await linkClassRoom(option.id, room.originalId);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 409) throw error;
    // the top-level message names the other class in staff words; the detail also tells API callers about `force`
    const ok = await confirmed(`${error.message}。仍要把本群改为关联“${classLabel(option)}”吗？原来的班级将不再关联本群。`, '该群已关联其他班级', '仍要关联');
    if (!ok) return null;
    return await linkClassRoom(option.id, room.originalId, true);
  }
}

/** Unlinks the group's class after asking; resolves false when the user cancelled. */
export async function unlinkRoomClass(room: RoomMapping): Promise<boolean> {
  const linked = room.linkedClass;
  if (!linked) return false;
  const ok = await confirmed(`解除本群与班级“${classLabel(linked)}”的关联？`, '解除关联', '解除');
  if (!ok) return false;
  await linkClassRoom(linked.classId, null);
  return true;
}
