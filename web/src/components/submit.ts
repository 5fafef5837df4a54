// A form's submission state: busy while the request runs, the server's refusal as text. `run`
// clears the error, runs the request and keeps its error (a dialog, a step form, an action button).
// A page with its own busy flag or error line passes them in.
import { ref, type Ref } from 'vue';
import { errorText } from '../api.ts';

export function useSubmit(busy: Ref<boolean> = ref(false), error: Ref<string> = ref('')) {
  async function run(request: () => Promise<void>) {
    busy.value = true;
    error.value = '';
    try {
      await request();
    } catch (e) {
      error.value = errorText(e);
    } finally {
      busy.value = false;
    }
  }
  return { busy, error, run };
}
