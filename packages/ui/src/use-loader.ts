import { ref, type Ref } from 'vue';

/**
 * Something a page fetches and may fetch again (counts, settings): `load` keeps the last answer in `data` while it
 * runs, and leaves a failure in `error` for an `ApiErrorAlert`.
 */
export function useLoader<T>(fetch: () => Promise<T>) {
  const data = ref<T | null>(null) as Ref<T | null>;
  const loading = ref(false);
  const error = ref<unknown>(null);

  async function load(): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      data.value = await fetch();
    } catch (caught) {
      error.value = caught;
    } finally {
      loading.value = false;
    }
  }

  return { data, loading, error, load };
}
