// One workflow kernel for every case that moves through steps: lifecycle cases (idle land,
// approved-but-unsupplied, inefficient land, resettlement), farmland patrol cases and the land-code
// register. A workflow names its states and its actions; a step the workflow does not allow is
// refused with code `illegal_transition`, naming the current state, the step asked for and the
// steps allowed now, so a clerk (or another system) knows what to do instead.
//
// Two ways to say what is allowed: a transition table (each action from some states to one
// state), or a rule over a richer state (the land-code register, where what may be recorded
// depends on every event already recorded). Both answer `allowed(state)` and go through
// `assertAllowed`, so the refusal reads the same everywhere.
import { IllegalTransition, Invalid } from '../errors.ts';

export interface Workflow<S, A extends string> {
  /** What moves, for messages: 闲置土地案件, 巡查案件, 土地码. */
  readonly what: string;
  /** Chinese name of each action (a step the user takes). */
  readonly actionNames: Readonly<Record<A, string>>;
  /** Chinese name of a state. */
  stateName(state: S): string;
  /** The actions allowed in a state, in the order they are offered. */
  allowed(state: S): readonly A[];
}

export interface Transition<S extends string> {
  from: readonly S[];
  to: S;
  /** Chinese name of the step; defaults to the name of the state it leads to. */
  label?: string;
}

/** A workflow given by its transition table. */
export interface Table<S extends string, A extends string> extends Workflow<S, A> {
  readonly stateNames: Readonly<Record<S, string>>;
  readonly transitions: Readonly<Record<A, Transition<S>>>;
  isState(s: string): s is S;
  isAction(a: string): a is A;
  /** Where an action leads. */
  target(action: A): S;
}

export function table<S extends string, A extends string>(def: {
  what: string;
  states: Record<S, string>;
  transitions: Record<A, Transition<S>>;
}): Table<S, A> {
  const actions = Object.keys(def.transitions) as A[];
  const actionNames = Object.fromEntries(actions.map((a) => [a, def.transitions[a].label ?? def.states[def.transitions[a].to]])) as Record<
    A,
    string
  >;
  return {
    what: def.what,
    stateNames: def.states,
    transitions: def.transitions,
    actionNames,
    stateName: (s) => def.states[s] ?? s,
    allowed: (s) => actions.filter((a) => def.transitions[a].from.includes(s)),
    isState: (s): s is S => Object.prototype.hasOwnProperty.call(def.states, s),
    isAction: (a): a is A => Object.prototype.hasOwnProperty.call(def.transitions, a),
    target: (a) => def.transitions[a].to,
  };
}

/**
 * A table whose actions are named by the state they lead to (the lifecycle cases: "move to
 * 调查认定"), given as the states each state may move to next.
 */
export function nextStates<S extends string>(def: { what: string; states: Record<S, string>; next: Record<S, readonly S[]> }): Table<S, S> {
  const states = Object.keys(def.states) as S[];
  const transitions = Object.fromEntries(
    states.map((to) => [to, { to, from: states.filter((from) => def.next[from].includes(to)) }]),
  ) as unknown as Record<S, Transition<S>>;
  return table({ what: def.what, states: def.states, transitions });
}

const quote = (name: string, code: string) => `「${name}」(${code})`;

/**
 * Throws IllegalTransition unless `action` is allowed in `state`; an action the workflow does not
 * know at all is Invalid (code `unknown_action`), listing the ones it knows.
 */
export function assertAllowed<S, A extends string>(
  w: Workflow<S, A>,
  id: string | number,
  state: S,
  action: string,
  stateCode = String(state),
): A {
  if (!Object.prototype.hasOwnProperty.call(w.actionNames, action)) {
    throw new Invalid(
      `${w.what} ${id}：没有“${action}”这一步，可用的步骤：${Object.entries(w.actionNames)
        .map(([a, n]) => quote(n as string, a))
        .join('、')} (unknown step "${action}")`,
      { code: 'unknown_action' },
    );
  }
  const allowed = w.allowed(state);
  if (!allowed.includes(action as A)) {
    const list = allowed.length ? allowed.map((a) => quote(w.actionNames[a], a)).join('、') : '无（已办结）';
    throw new IllegalTransition(
      `${w.what} ${id} 当前为${quote(w.stateName(state), stateCode)}，不能${quote(w.actionNames[action as A], action)}；允许的下一步：${list} ` +
        `(illegal transition: current state ${stateCode}, requested ${action}, allowed next: ${allowed.join(', ') || 'none'})`,
      { problems: [{ current: stateCode, requested: action, allowed: [...allowed] }] },
    );
  }
  return action as A;
}
