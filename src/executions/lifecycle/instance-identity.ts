import { randomBytes } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { ulid } from 'ulid';
import { SecretFileStore } from '../../common/secret-file.store.js';

const NODE_ID_FILE = 'instance-id';

/**
 * Who runs executions here. `instanceId` = `<nodeId>:<bootId>`: the node id is kept in the data
 * directory (one per server installation), the boot id is new at every start. A `running` record
 * with this node id and another boot id was left by this instance's previous process (RUNNER §3.4).
 */
@Injectable()
export class InstanceIdentity implements OnModuleInit {
  private node = '';
  private instance = '';

  constructor(private readonly files: SecretFileStore) {}

  async onModuleInit(): Promise<void> {
    this.node = await this.files.readOrCreate(NODE_ID_FILE, () => `node_${randomBytes(6).toString('hex')}`);
    this.instance = `${this.node}:${ulid()}`;
  }

  get instanceId(): string {
    return this.instance;
  }

  isPreviousBoot(instanceId: string | null | undefined): boolean {
    return typeof instanceId === 'string' && instanceId.startsWith(`${this.node}:`) && instanceId !== this.instance;
  }
}
