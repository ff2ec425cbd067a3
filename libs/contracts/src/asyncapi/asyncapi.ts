import {
  CE_HEADER,
  CONTENT_TYPE_HEADER,
  CORRELATION_ID_HEADER,
  eventSource,
  TRACEPARENT_HEADER,
  TRACEPARENT_PATTERN,
  TRACESTATE_HEADER,
} from '../cloudevents.js';
import type { EventContract } from '../event-contract.js';
import { InternalTopics, TopicInfo, Topics, type TopicKey } from '../topics.js';

/**
 * The AsyncAPI 3.0 document of the platform's events, built from the contracts alone (one source).
 * `npm run asyncapi` writes it to docs/asyncapi/asyncapi.json; a unit test fails when that file is stale.
 */
export type AsyncApiDocument = { asyncapi: '3.0.0' } & Record<string, unknown>;

/** Where the generated document is committed, relative to the repository root. */
export const ASYNCAPI_DOCUMENT_PATH = 'docs/asyncapi/asyncapi.json';

const KAFKA_BINDING = '0.5.0';

const DESCRIPTION = [
  'Kafka topics the party-building platform publishes, for its own services and for analysts. ' +
    'Each event type and version has one JSON Schema (the message payload). ' +
    'Envelope: CloudEvents 1.0, Kafka protocol binding, binary content mode: the attributes travel in `ce_*` headers, ' +
    'the record value is the JSON data. The record key is the id of the org unit (school, bureau) the event is about, ' +
    "so one unit's events stay in order on one partition. Delivery is at least once: deduplicate by `ce_id`.",
  'Compatibility: within one type version, schemas change only additively (new optional fields); a test in the ' +
    "platform's build fails any other change. A breaking change is a new `.v2` type on a new `.v2` topic, published " +
    'beside the old one for a deprecation period. Generated from `libs/contracts` by `npm run asyncapi`; do not edit by hand.',
  '党建工作平台发布的 Kafka 主题，供平台服务与数据分析人员订阅。每个事件类型及版本有一份 JSON Schema（消息体）。' +
    '信封格式为 CloudEvents 1.0（Kafka 协议绑定，二进制模式）：属性放在 `ce_*` 消息头中，消息值为 JSON 数据。' +
    '消息键为事件所涉组织单位（学校、教育局）的标识，同一单位的事件在同一分区内保持顺序。投递语义为至少一次：请按 `ce_id` 去重。',
  '兼容承诺：同一类型版本内的 Schema 只做增量修改（新增可选字段），其他修改会被构建中的测试拦截。' +
    '不兼容的修改以新的 `.v2` 类型发布到新的 `.v2` 主题，并在过渡期内与旧版本同时发布。本文件由 `npm run asyncapi` 从 `libs/contracts` 生成，请勿手改。',
].join('\n\n');

const SERVER_DESCRIPTION =
  'Local development broker (Apache Kafka 4, one node, PLAINTEXT, no authentication) started by `npm start` or ' +
  '`npm run infra`; `LOCAL_KAFKA_PORT` moves the port. Production: the operators give each analyst team the bootstrap ' +
  'addresses, TLS and SASL credentials, and read ACLs on these topics for its own consumer group. ' +
  '本地开发用代理；生产环境的地址、TLS/SASL 凭证及主题读权限由运维人员按分析团队分配。';

const topicKeyOf = new Map<string, TopicKey>((Object.entries(Topics) as [TopicKey, string][]).map(([k, v]) => [v, k]));

/** The CloudEvents binary-mode headers of one event type, as the message `headers` schema. */
function headersSchema(contract: EventContract) {
  return {
    type: 'object',
    required: [
      CE_HEADER.id,
      CE_HEADER.source,
      CE_HEADER.type,
      CE_HEADER.specversion,
      CE_HEADER.time,
      CE_HEADER.dataschema,
      CONTENT_TYPE_HEADER,
    ],
    properties: {
      [CE_HEADER.id]: {
        type: 'string',
        description: 'Event id, unique per source; deduplicate by it. 事件标识，用于去重。',
      },
      [CE_HEADER.source]: {
        type: 'string',
        const: eventSource(contract.producer),
        description: 'The publishing service. 发布服务。',
      },
      [CE_HEADER.type]: {
        type: 'string',
        const: contract.type,
        description: 'Event type and version. 事件类型及版本。',
      },
      [CE_HEADER.specversion]: {
        type: 'string',
        const: '1.0',
        description: 'CloudEvents version.',
      },
      [CE_HEADER.time]: {
        type: 'string',
        format: 'date-time',
        description: 'When the change happened, UTC (RFC 3339). 发生时间（UTC）。',
      },
      [CE_HEADER.subject]: {
        type: 'string',
        description: 'The aggregate inside the source, e.g. `org-units/<id>`. 事件主体。',
      },
      [CE_HEADER.dataschema]: {
        type: 'string',
        const: contract.dataschema,
        description: 'JSON Schema of the data (the `$id` of the payload schema). 数据的 Schema。',
      },
      [CONTENT_TYPE_HEADER]: {
        type: 'string',
        const: 'application/json',
        description: 'Media type of the record value.',
      },
      [CORRELATION_ID_HEADER]: {
        type: 'string',
        description: 'Correlation id of the request or event chain that caused the event. 关联标识。',
      },
      [TRACEPARENT_HEADER]: {
        type: 'string',
        pattern: TRACEPARENT_PATTERN,
        description:
          'W3C trace context of the write that caused the event (CloudEvents distributed-tracing extension); a malformed value is ignored, never fatal. 链路追踪上下文。',
      },
      [TRACESTATE_HEADER]: {
        type: 'string',
        maxLength: 512,
        description: 'W3C trace state, only beside a valid traceparent. 链路追踪厂商状态。',
      },
    },
  };
}

function message(contract: EventContract) {
  return {
    name: contract.type,
    title: contract.type,
    summary: contract.description,
    contentType: 'application/json',
    headers: headersSchema(contract),
    payload: { $ref: `#/components/schemas/${contract.type}` },
    correlationId: { $ref: '#/components/correlationIds/correlationId' },
    bindings: {
      kafka: {
        key: {
          type: 'string',
          description: `${contract.key.description} Record key: the org unit id, the data field \`${contract.key.field}\`. 消息键：组织单位标识。`,
        },
        bindingVersion: KAFKA_BINDING,
      },
    },
  };
}

/** Builds the document. `version` is the contracts package version. */
export function buildAsyncApi(allContracts: readonly EventContract[], { version }: { version: string }): AsyncApiDocument {
  // Internal topics (the audit of writes, which may carry personal data) are no part of the analysts' interface.
  const contracts = allContracts.filter((c) => !InternalTopics.includes(c.topic));
  const topics = [...new Set(contracts.map((c) => c.topic))];
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const topic of topics) {
    const key = topicKeyOf.get(topic);
    if (!key) throw new Error(`topic ${topic} is not in Topics`);
    const info = TopicInfo[key];
    const onTopic = contracts.filter((c) => c.topic === topic);
    channels[key] = {
      address: topic,
      title: info.title,
      description: info.description,
      messages: Object.fromEntries(onTopic.map((c) => [c.type, { $ref: `#/components/messages/${c.type}` }])),
      bindings: {
        kafka: {
          topic,
          topicConfiguration: { 'cleanup.policy': [info.compacted ? 'compact' : 'delete'] },
          bindingVersion: KAFKA_BINDING,
        },
      },
    };
    const refs = (list: readonly EventContract[]) => list.map((c) => ({ $ref: `#/channels/${key}/messages/${c.type}` }));
    for (const producer of [...new Set(onTopic.map((c) => c.producer))]) {
      operations[`${producer}.send.${key}`] = {
        action: 'send',
        channel: { $ref: `#/channels/${key}` },
        messages: refs(onTopic.filter((c) => c.producer === producer)),
        title: `${producer} publishes ${topic}`,
        summary: `${producer} publishes these events through its outbox: at least once, in order per org unit. ${producer} 经发件箱发布，至少一次，同一单位有序。`,
      };
    }
    operations[`analysts.receive.${key}`] = {
      action: 'receive',
      channel: { $ref: `#/channels/${key}` },
      messages: refs(onTopic),
      title: `Analysts and services receive ${topic}`,
      summary:
        'Analysts (and platform services) subscribe with a consumer group of their own, validate each record against its ' +
        'schema, and deduplicate by ce_id. 分析人员及平台服务以各自的消费组订阅，按 Schema 校验并按 ce_id 去重。',
      bindings: {
        kafka: {
          groupId: {
            type: 'string',
            description: 'Your own consumer group, e.g. `analytics-<team>`. 自己的消费组。',
          },
          bindingVersion: KAFKA_BINDING,
        },
      },
    };
  }
  return {
    asyncapi: '3.0.0',
    id: 'urn:cn:edu:partybuilding:events',
    info: {
      title: 'Party-building platform events 党建工作平台事件',
      version,
      description: DESCRIPTION,
    },
    defaultContentType: 'application/json',
    servers: {
      local: {
        host: 'localhost:9092',
        protocol: 'kafka',
        title: 'Local Kafka 本地 Kafka',
        description: SERVER_DESCRIPTION,
      },
    },
    channels,
    operations,
    components: {
      messages: Object.fromEntries(contracts.map((c) => [c.type, message(c)])),
      schemas: Object.fromEntries(contracts.map((c) => [c.type, { $id: c.dataschema, ...(c.schema as object) }])),
      correlationIds: {
        correlationId: {
          description: "Correlation id of the request or event chain that caused the event (also in the platform's logs). 关联标识。",
          location: `$message.header#/${CORRELATION_ID_HEADER}`,
        },
      },
    },
  };
}

/** The committed file's exact text. */
export function asyncApiJson(doc: AsyncApiDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
