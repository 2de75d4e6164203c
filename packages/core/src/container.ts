import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer, type InjectionToken } from 'tsyringe';

/** A fresh child container: registrations in it never leak into other pipelines. */
export function createContainer(parent: DependencyContainer = rootContainer): DependencyContainer {
  return parent.createChildContainer();
}

/** Registers a ready-made instance under a token (replacing what was there for this container). */
export function provide<T>(c: DependencyContainer, token: InjectionToken<T>, value: T): DependencyContainer {
  c.register<T>(token, { useValue: value });
  return c;
}

export type { DependencyContainer, InjectionToken };
