import { container as rootContainer, type DependencyContainer as TsyringeContainer, type InjectionToken } from 'tsyringe';
import type { Token } from './tokens';

/**
 * tsyringe's container, with resolution typed by speechfold's tokens: `resolve(TOKENS.Clusterer)` is a
 * `Clusterer`. Any other tsyringe token (a class, a string, a plain symbol) resolves as in tsyringe.
 */
export interface DependencyContainer extends TsyringeContainer {
  resolve<T>(token: Token<T>): T;
  resolve<T>(token: InjectionToken<T>): T;
  resolveAll<T>(token: Token<T>): T[];
  resolveAll<T>(token: InjectionToken<T>): T[];
}

/** A fresh child container: registrations in it never leak into other pipelines. */
export function createContainer(parent: TsyringeContainer = rootContainer): DependencyContainer {
  return parent.createChildContainer() as DependencyContainer;
}

/** Registers a ready-made instance under a token (replacing what was there for this container). */
export function provide<T>(c: TsyringeContainer, token: Token<T>, value: T): DependencyContainer {
  c.register<T>(token, { useValue: value });
  return c as DependencyContainer;
}

export type { InjectionToken };
