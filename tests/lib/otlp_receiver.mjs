// An OTLP/HTTP trace receiver, what an OpenTelemetry Collector or Jaeger would be to Paredão:
// it decodes each export (protobuf, POST /v1/traces) with the official protocol definitions of
// Debian's opentelemetry-proto package, and keeps every span with its service's name.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import protobuf from 'protobufjs';

const PROTO_ROOT = '/usr/include';

function requestType() {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (target.startsWith('/') ? target : `${PROTO_ROOT}/${target}`);
  root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto');
  return {
    request: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
    response: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse'),
    kinds: root.lookupEnum('opentelemetry.proto.trace.v1.Span.SpanKind').valuesById,
  };
}

const hex = (bytes) => Buffer.from(bytes ?? []).toString('hex');

function attributes(list) {
  const out = {};
  for (const { key, value } of list ?? []) {
    // AnyValue is a oneof: protobufjs names the field set in `value`.
    const set = value.value;
    out[key] = set === 'intValue' ? Number(value.intValue) : value[set];
  }
  return out;
}

/** Starts the receiver; `spans` fills as exports arrive. */
export async function startOtlpReceiver() {
  const { request, response, kinds } = requestType();
  const spans = [];
  const exports = { count: 0, rejected: 0 };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces' ||
          !String(req.headers['content-type']).startsWith('application/x-protobuf')) {
        exports.rejected++;
        res.writeHead(404).end();
        return;
      }
      const message = request.decode(Buffer.concat(chunks));
      exports.count++;
      for (const resourceSpans of message.resourceSpans) {
        const service = attributes(resourceSpans.resource?.attributes)['service.name'];
        for (const scope of resourceSpans.scopeSpans) {
          for (const span of scope.spans) {
            spans.push({
              service,
              name: span.name,
              kind: kinds[span.kind],
              traceId: hex(span.traceId),
              spanId: hex(span.spanId),
              parentSpanId: hex(span.parentSpanId),
              links: (span.links ?? []).map((l) => ({ traceId: hex(l.traceId), spanId: hex(l.spanId) })),
              attributes: attributes(span.attributes),
              status: span.status?.code ?? 0,
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end(response.encode(response.create({})).finish());
    });
  });
  await new Promise((res) => server.listen(0, '127.0.0.1', res));
  return {
    url: `http://127.0.0.1:${server.address().port}/v1/traces`,
    spans,
    exports,
    /** Waits until `predicate(spans)` holds (they arrive in batches, about every second). */
    async waitFor(what, predicate, timeoutMs = 20000) {
      const until = Date.now() + timeoutMs;
      while (!predicate(spans)) {
        if (Date.now() > until) {
          assert.fail(`${what}: got ${JSON.stringify(spans.map((s) => `${s.service} ${s.name} ${s.traceId.slice(0, 8)}`))}`);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    close() { return new Promise((res) => server.close(res)); },
  };
}
