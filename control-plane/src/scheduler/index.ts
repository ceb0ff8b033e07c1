export { Scheduler, DEFAULT_SCHEDULER, type SchedulerOptions } from './scheduler.js';
export { unschedulableMessage } from './message.js';
