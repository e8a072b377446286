import { CredentialEntity } from './credential.entity.js';
import { ExecutionEntity, ExecutionEventEntity, ExecutionResultEntity } from './execution.entity.js';
import { ProxyEntity } from './proxy.entity.js';
import { SettingEntity } from './settings.entity.js';
import { TaskEntity, TaskVersionEntity } from './task.entity.js';

export { CredentialEntity, ExecutionEntity, ExecutionEventEntity, ExecutionResultEntity, ProxyEntity, SettingEntity, TaskEntity, TaskVersionEntity };

/** Listed explicitly (no globs): the build output in dist/ must find them too. */
export const POSTGRES_ENTITIES = [
  TaskEntity,
  TaskVersionEntity,
  ExecutionEntity,
  ExecutionEventEntity,
  ExecutionResultEntity,
  SettingEntity,
  ProxyEntity,
  CredentialEntity,
];
