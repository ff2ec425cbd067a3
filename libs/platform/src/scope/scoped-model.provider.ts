import { Inject, type InjectionToken, type Provider } from '@nestjs/common';
import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { OrgOwnership } from './ownership.js';
import { ScopedModel } from './scoped-model.js';

/** The injection token of an org-owned model's `ScopedModel` (the model's name, prefixed). */
export const scopedModelToken = (modelName: string) => `ScopedModel:${modelName}`;

/**
 * Registers the `ScopedModel` of an org-owned model in the feature module that registers the model.
 * An ownership by unit id needs the read model's `pathOf`: pass a factory of the ownership and what it injects.
 */
export function scopedModelProvider<T>(modelName: string, ownership: OrgOwnership<T>): Provider;
export function scopedModelProvider<T, D extends unknown[]>(
  modelName: string,
  ownership: (...deps: D) => OrgOwnership<T>,
  inject: InjectionToken[],
): Provider;
export function scopedModelProvider<T>(
  modelName: string,
  ownership: OrgOwnership<T> | ((...deps: unknown[]) => OrgOwnership<T>),
  inject: InjectionToken[] = [],
): Provider {
  return {
    provide: scopedModelToken(modelName),
    useFactory: (model: Model<T>, ...deps: unknown[]) =>
      new ScopedModel<T>(model, typeof ownership === 'function' ? ownership(...deps) : ownership),
    inject: [getModelToken(modelName), ...inject],
  };
}

/** Injects an org-owned model through its scope (instead of `@InjectModel`, which `pb/org-owned` refuses). */
export const InjectScopedModel = (modelName: string) => Inject(scopedModelToken(modelName));
