// What every lifecycle case page (闲置土地, 低效用地) shares: the case and its parcel's geometry,
// loading, the step being prepared with its form, which fields the step requires, and sending the
// step to the server. Each page keeps its own steps, requirements and wording.
import { computed, onMounted, ref, watch, type Ref } from 'vue';
import { useRoute } from 'vue-router';
import { errorText } from '../../api.ts';
import { lc, type Geometry } from './lifecycle-api.ts';

export interface CaseWorkflowOptions<C extends { landCode: string }> {
  fetch(id: number): Promise<C>;
  /** Fields each step asks for: [field, required]. */
  needs: Record<string, [string, boolean][]>;
  /** Form values a step starts with (e.g. the redeveloped area defaults to the parcel's). */
  preset?(step: string, c: C): Record<string, string>;
}

export function useCaseWorkflow<C extends { landCode: string }>(o: CaseWorkflowOptions<C>) {
  const route = useRoute();
  const id = computed(() => Number(route.params.id));
  const c = ref<C | null>(null) as Ref<C | null>;
  const geometry = ref<Geometry | null>(null);
  const error = ref('');
  const done = ref('');
  const step = ref('');
  const form = ref<Record<string, string>>({});
  const saving = ref(false);

  async function load() {
    try {
      c.value = await o.fetch(id.value);
      error.value = '';
      if (!geometry.value) geometry.value = (await lc.timeline(c.value.landCode)).parcel.geometry;
    } catch (e) {
      error.value = errorText(e);
    }
  }
  watch(id, () => {
    geometry.value = null;
    void load();
  });
  onMounted(load);

  const needs = computed(() => o.needs[step.value] ?? []);
  const missing = computed(() => needs.value.some(([k, req]) => req && !String(form.value[k] ?? '').trim()));

  /** Opens the form of step `s`, or closes it when it is open already. */
  function choose(s: string) {
    step.value = step.value === s ? '' : s;
    form.value = step.value && c.value && o.preset ? o.preset(s, c.value) : {};
    done.value = '';
    error.value = '';
  }

  /** The filled-in fields of the current step, trimmed; `send` posts them and returns the case. */
  async function submit(send: (id: number, body: Record<string, string>) => Promise<C>, moved: (to: string) => string) {
    saving.value = true;
    error.value = '';
    try {
      const to = step.value;
      const body: Record<string, string> = { to };
      for (const [k] of needs.value) {
        const v = String(form.value[k] ?? '').trim();
        if (v) body[k] = v;
      }
      c.value = await send(id.value, body);
      done.value = moved(to);
      step.value = '';
      form.value = {};
    } catch (e) {
      error.value = errorText(e);
    } finally {
      saving.value = false;
    }
  }

  return { id, c, geometry, error, done, step, form, saving, needs, missing, load, choose, submit };
}
