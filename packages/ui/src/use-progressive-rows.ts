/// <reference lib="dom" />
import { computed, onBeforeUnmount, ref, watch, type ComputedRef, type Ref } from 'vue';

/**
 * The rows a long editable table renders now: the first `firstCount` at once, the rest `firstCount` at a time, each
 * batch after the browser has painted the one before. A table of 50 rows of inputs takes the mapper page ~1.2 s of
 * script on a slow phone; rendered in one go after the first frame, that one task also held back the page's counts,
 * whose answer had arrived but was queued behind it (2.5 s to the first data on Fast 4G). In batches, an answer that
 * arrives meanwhile renders between two of them. The first rows fill the screen, so the user sees no gap.
 * Appended rows ("load more") show at once.
 */
export function useProgressiveRows<T>(rows: Ref<readonly T[]>, firstCount = 12): ComputedRef<readonly T[]> {
  const limit = ref(Number.POSITIVE_INFINITY);
  let frame: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cancel = () => {
    if (frame !== undefined) cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
  watch(() => rows.value, (next, previous) => {
    // a longer list that starts with the same rows is a "load more": nothing to wait for
    if (previous && previous.length > 0 && next.length > previous.length && next[0] === previous[0]) return;
    if (next.length <= firstCount) return;
    cancel();
    limit.value = firstCount;
    // the callback of a frame runs before that frame paints; the timeout after it runs once it has painted
    const afterPaint = () => {
      frame = requestAnimationFrame(() => {
        timer = setTimeout(() => {
          limit.value += firstCount;
          if (limit.value < rows.value.length) afterPaint();
          else limit.value = Number.POSITIVE_INFINITY;
        }, 0);
      });
    };
    afterPaint();
  }, { immediate: true });
  onBeforeUnmount(cancel);
  return computed(() => (rows.value.length > limit.value ? rows.value.slice(0, limit.value) : rows.value));
}
