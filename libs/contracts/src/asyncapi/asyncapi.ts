import {
  CE_HEADER,
  CONTENT_TYPE_HEADER,
  CORRELATION_ID_HEADER,
  eventSource,
  TRACEPARENT_HEADER,
  TRACEPARENT_PATTERN,
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
  '黨建工作平台發布的 Kafka 主題，供平台服務與數據分析人員訂閱。每個事件類型及版本有一份 JSON Schema（消息體）。' +
    '信封格式為 CloudEvents 1.0（Kafka 協議綁定，二進制模式）：屬性放在 `ce_*` 消息頭中，消息值為 JSON 數據。' +
    '消息鍵為事件所涉組織單位（學校、教育局）的標識，同一單位的事件在同一分區內保持順序。投遞語義為至少一次：請按 `ce_id` 去重。',
  '兼容承諾：同一類型版本內的 Schema 只做增量修改（新增可選字段），其他修改會被構建中的測試攔截。' +
    '不兼容的修改以新的 `.v2` 類型發布到新的 `.v2` 主題，並在過渡期內與舊版本同時發布。本文件由 `npm run asyncapi` 從 `libs/contracts` 生成，請勿手改。',
].join('\n\n');

const SERVER_DESCRIPTION =
  'Local development broker (Apache Kafka 4, one node, PLAINTEXT, no authentication) started by `npm start` or ' +
  '`npm run infra`; `LOCAL_KAFKA_PORT` moves the port. Production: the operators give each analyst team the bootstrap ' +
  'addresses, TLS and SASL credentials, and read ACLs on these topics for its own consumer group. ' +
  '本地開發用代理；生產環境的地址、TLS/SASL 憑證及主題讀權限由運維人員按分析團隊分配。';

const topicKeyOf = new Map<string, TopicKey>(
  (Object.entries(Topics) as [TopicKey, string][]).map(([k, v]) => [v, k]),
);

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
        description: 'Event id, unique per source; deduplicate by it. 事件標識，用於去重。',
      },
      [CE_HEADER.source]: {
        type: 'string',
        const: eventSource(contract.producer),
        description: 'The publishing service. 發布服務。',
      },
      [CE_HEADER.type]: {
        type: 'string',
        const: contract.type,
        description: 'Event type and version. 事件類型及版本。',
      },
      [CE_HEADER.specversion]: {
        type: 'string',
        const: '1.0',
        description: 'CloudEvents version.',
      },
      [CE_HEADER.time]: {
        type: 'string',
        format: 'date-time',
        description: 'When the change happened, UTC (RFC 3339). 發生時間（UTC）。',
      },
      [CE_HEADER.subject]: {
        type: 'string',
        description: 'The aggregate inside the source, e.g. `org-units/<id>`. 事件主體。',
      },
      [CE_HEADER.dataschema]: {
        type: 'string',
        const: contract.dataschema,
        description: 'JSON Schema of the data (the `$id` of the payload schema). 數據的 Schema。',
      },
      [CONTENT_TYPE_HEADER]: {
        type: 'string',
        const: 'application/json',
        description: 'Media type of the record value.',
      },
      [CORRELATION_ID_HEADER]: {
        type: 'string',
        description:
          'Correlation id of the request or event chain that caused the event. 關聯標識。',
      },
      [TRACEPARENT_HEADER]: {
        type: 'string',
        pattern: TRACEPARENT_PATTERN,
        description:
          'W3C trace context; a malformed value is ignored, never fatal. 鏈路追蹤上下文。',
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
          description: `${contract.key.description} Record key: the org unit id, the data field \`${contract.key.field}\`. 消息鍵：組織單位標識。`,
        },
        bindingVersion: KAFKA_BINDING,
      },
    },
  };
}

/** Builds the document. `version` is the contracts package version. */
export function buildAsyncApi(
  allContracts: readonly EventContract[],
  { version }: { version: string },
): AsyncApiDocument {
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
      messages: Object.fromEntries(
        onTopic.map((c) => [c.type, { $ref: `#/components/messages/${c.type}` }]),
      ),
      bindings: {
        kafka: {
          topic,
          topicConfiguration: { 'cleanup.policy': [info.compacted ? 'compact' : 'delete'] },
          bindingVersion: KAFKA_BINDING,
        },
      },
    };
    const refs = (list: readonly EventContract[]) =>
      list.map((c) => ({ $ref: `#/channels/${key}/messages/${c.type}` }));
    for (const producer of [...new Set(onTopic.map((c) => c.producer))]) {
      operations[`${producer}.send.${key}`] = {
        action: 'send',
        channel: { $ref: `#/channels/${key}` },
        messages: refs(onTopic.filter((c) => c.producer === producer)),
        title: `${producer} publishes ${topic}`,
        summary: `${producer} publishes these events through its outbox: at least once, in order per org unit. ${producer} 經發件箱發布，至少一次，同一單位有序。`,
      };
    }
    operations[`analysts.receive.${key}`] = {
      action: 'receive',
      channel: { $ref: `#/channels/${key}` },
      messages: refs(onTopic),
      title: `Analysts and services receive ${topic}`,
      summary:
        'Analysts (and platform services) subscribe with a consumer group of their own, validate each record against its ' +
        'schema, and deduplicate by ce_id. 分析人員及平台服務以各自的消費組訂閱，按 Schema 校驗並按 ce_id 去重。',
      bindings: {
        kafka: {
          groupId: {
            type: 'string',
            description: 'Your own consumer group, e.g. `analytics-<team>`. 自己的消費組。',
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
      title: 'Party-building platform events 黨建工作平台事件',
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
      schemas: Object.fromEntries(
        contracts.map((c) => [c.type, { $id: c.dataschema, ...(c.schema as object) }]),
      ),
      correlationIds: {
        correlationId: {
          description:
            "Correlation id of the request or event chain that caused the event (also in the platform's logs). 關聯標識。",
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
