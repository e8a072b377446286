/**
 * Port between the run lifecycle and completion webhooks (API §4.8). When a run with a
 * `webhookUrl` finishes, the lifecycle stores `webhook = {url, deliveryId, state: 'pending',
 * attempts: [], body, nextAttemptAt}` on the execution in the same persist step as the result,
 * then calls `dispatch(executionId)`. The dispatcher delivers asynchronously (never delaying the
 * run or changing its outcome), records every attempt on the execution, and resumes pending
 * deliveries at startup.
 */
export abstract class WebhookDispatcher {
  abstract dispatch(executionId: string): void;
}
