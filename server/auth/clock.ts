/** Where services get the time: injectable so tests move it instead of sleeping. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
