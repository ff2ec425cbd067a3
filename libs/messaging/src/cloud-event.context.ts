import { BaseRpcContext } from '@nestjs/microservices';
import type { CloudEventAttributes } from '@pb/contracts';

export interface RecordPosition {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
}

/** What a handler knows about the event it handles: CloudEvents attributes and record position. */
export class CloudEventContext extends BaseRpcContext<[CloudEventAttributes, RecordPosition, number, () => Promise<void>]> {
  get event(): CloudEventAttributes {
    return this.args[0];
  }
  get record(): RecordPosition {
    return this.args[1];
  }
  /** 1 on first delivery, up to the configured maximum on retries. */
  get attempt(): number {
    return this.args[2];
  }
  /**
   * Tells the group coordinator this consumer is alive. The transport already does it every
   * heartbeat interval while a handler runs; a handler may call it between long steps too.
   */
  heartbeat(): Promise<void> {
    return this.args[3]();
  }
}
