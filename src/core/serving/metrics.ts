import { Counter, Gauge, Histogram, Registry } from 'prom-client'

/** Latency buckets (seconds) from a tiny model on a laptop to a big one on a busy CPU. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

/** The node's Prometheus metrics, in their own registry (several nodes may share a process in tests). */
export class NodeMetrics {
  readonly registry = new Registry()
  readonly requests = new Counter({ name: 'modeldao_requests_total', help: 'HTTP requests by endpoint and status code.', labelNames: ['endpoint', 'status'] as const, registers: [this.registry] })
  readonly promptTokens = new Counter({ name: 'modeldao_prompt_tokens_total', help: 'Prompt tokens evaluated.', registers: [this.registry] })
  readonly completionTokens = new Counter({ name: 'modeldao_completion_tokens_total', help: 'Tokens generated and served.', registers: [this.registry] })
  readonly timeToFirstToken = new Histogram({ name: 'modeldao_time_to_first_token_seconds', help: 'From the request arriving to its first generated token (queue wait included).', buckets: LATENCY_BUCKETS, registers: [this.registry] })
  readonly paymentsRefused = new Counter({ name: 'modeldao_payments_refused_total', help: 'Requests answered 402, by reason.', labelNames: ['reason'] as const, registers: [this.registry] })
  readonly paymentOverhead = new Histogram({ name: 'modeldao_payment_overhead_seconds', help: 'Payment work per paid request: verify (before serving) and record (durable booking after).', labelNames: ['stage'] as const, buckets: [0.00005, 0.0001, 0.0002, 0.0004, 0.001, 0.002, 0.005, 0.02, 0.1, 1], registers: [this.registry] })
  readonly requestDuration = new Histogram({ name: 'modeldao_request_duration_seconds', help: 'From the request arriving to its last byte, by endpoint.', labelNames: ['endpoint'] as const, buckets: LATENCY_BUCKETS, registers: [this.registry] })
  readonly queueDepth = new Gauge({ name: 'modeldao_queue_depth', help: 'Requests waiting for a free sequence.', registers: [this.registry] })
  readonly activeSequences = new Gauge({ name: 'modeldao_active_sequences', help: 'Sequences generating now.', registers: [this.registry] })

  text(): Promise<string> {
    return this.registry.metrics()
  }

  get contentType(): string {
    return this.registry.contentType
  }
}
