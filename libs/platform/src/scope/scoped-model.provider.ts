import { Inject, type Provider } from '@nestjs/common';
import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { OrgOwnership } from './ownership.js';
import { ScopedModel } from './scoped-model.js';

/** The injection token of an org-owned model's `ScopedModel` (the model's name, prefixed). */
export const scopedModelToken = (modelName: string) => `ScopedModel:${modelName}`;

/** Registers the `ScopedModel` of an org-owned model in the feature module that registers the model. */
export function scopedModelProvider<T>(modelName: string, ownership: OrgOwnership<T>): Provider {
  return {
    provide: scopedModelToken(modelName),
    useFactory: (model: Model<T>) => new ScopedModel<T>(model, ownership),
    inject: [getModelToken(modelName)],
  };
}

/** Injects an org-owned model through its scope (instead of `@InjectModel`, which `pb/org-owned` refuses). */
export const InjectScopedModel = (modelName: string) => Inject(scopedModelToken(modelName));
