import { EventPattern } from '@nestjs/microservices';
import type { EventContract } from '@pb/contracts';

/**
 * Declares the handler of one event type and version. The hybrid app's Kafka transport subscribes
 * to the contract's topic, validates each record against the contract, and applies it once.
 */
export function OnEvent(contract: EventContract): MethodDecorator {
  return EventPattern<string>(contract.type);
}
