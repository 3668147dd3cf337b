/** EventBridge's state: the events put on a bus (the sandbox keeps them for tests and the control API). */
export interface PutEvent {
  id: string;
  source: string;
  detailType: string;
  detail: unknown;
  eventBusName: string;
  resources: string[];
  time: Date;
}
