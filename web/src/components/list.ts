// The state of a paged list read from the server: a page of rows (one more is asked for, to know
// whether there is a next page), loading and error. `reload()` goes back to the first page (after a
// filter changed) and loads once.
import { ref, watch, type Ref } from 'vue';
import { errorText } from '../api.ts';

export function usePagedList<T>(fetch: (limit: number, offset: number) => Promise<T[]>, size = 20, first = 1) {
  const page = ref(first);
  const rows = ref([]) as Ref<T[]>;
  const hasNext = ref(false);
  const loading = ref(false);
  const error = ref('');
  async function load() {
    loading.value = true;
    error.value = '';
    try {
      const r = await fetch(size + 1, (page.value - 1) * size);
      hasNext.value = r.length > size;
      rows.value = r.slice(0, size);
    } catch (e) {
      error.value = errorText(e);
      rows.value = [];
    } finally {
      loading.value = false;
    }
  }
  watch(page, load);
  const reload = () => (page.value === 1 ? load() : (page.value = 1));
  /** To page `p` (loads it). */
  const go = (p: number) => (page.value = p);
  return { page, rows, hasNext, loading, error, load, reload, go };
}

export type PagedList = ReturnType<typeof usePagedList<unknown>>;
