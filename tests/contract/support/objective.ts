/**
 * What the contract trials report: functions of the hyperparameter `scale`
 * and the step only, in plain IEEE arithmetic, so that a TypeScript and a
 * Python trial push the very same doubles and the rows compare exactly.
 */
export const trainingLoss = (scale: number, steps: number) => scale / (steps + 1);
export const validationLoss = (scale: number, steps: number) => scale / (steps + 2);
