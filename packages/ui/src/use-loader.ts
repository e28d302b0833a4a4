import { onMounted, ref, type Ref } from 'vue';

/**
 * Runs `work` with `busy` set and `error` cleared; a failure is kept in `error` for an `ApiErrorAlert` rather than
 * thrown, because a page shows it where the action was started.
 */
export async function runTracked(busy: Ref<boolean>, error: Ref<unknown>, work: () => Promise<void>): Promise<void> {
  busy.value = true;
  error.value = null;
  try {
    await work();
  } catch (caught) {
    error.value = caught;
  } finally {
    busy.value = false;
  }
}

/**
 * What a component fetches once, when it is mounted (the options of its filters, its settings): the answer arrives
 * in the returned ref, and a failure in `error`, which the component shares with its other calls and shows in one
 * `ApiErrorAlert`.
 */
export function fetchOnMounted<T>(fetch: () => Promise<T>, error: Ref<unknown>): Ref<T | null> {
  const data = ref<T | null>(null) as Ref<T | null>;
  onMounted(async () => {
    try {
      data.value = await fetch();
    } catch (caught) {
      error.value = caught;
    }
  });
  return data;
}

/**
 * Something a page fetches and may fetch again (counts, settings): `load` keeps the last answer in `data` while it
 * runs, and leaves a failure in `error` for an `ApiErrorAlert`.
 */
export function useLoader<T>(fetch: () => Promise<T>) {
  const data = ref<T | null>(null) as Ref<T | null>;
  const loading = ref(false);
  const error = ref<unknown>(null);

  const load = () => runTracked(loading, error, async () => {
    data.value = await fetch();
  });

  return { data, loading, error, load };
}
