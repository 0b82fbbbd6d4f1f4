/** Evaluation indicators as pure code: formulas, score and stars, periods, the table's columns. */
export * from './formulas';
export * from './period';
export * from './columns';
