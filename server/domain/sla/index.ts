/** SLA clocks on China's working calendar, as pure functions over a calendar value. */
export * from './time-limit';
export * from './calendar';
export * from './working-time';
export * from './clock';
export * from './limits';
export * from './import-file';
export * from './chinese-days';
export * from './record';
export * from './escalation';
