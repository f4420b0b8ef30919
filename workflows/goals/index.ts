export { type Agreement, type Agreers, type Answer, agreementIn, type Side, sideOf } from './agreement';
export { type AnswerResult, answerGoal, type GoalDecision } from './answer-goal';
export { closeGoal } from './close-goal';
export { GoalError, type GoalErrorCode } from './goal-errors';
export { DESCRIPTION_MAX, MEASURE_MAX, type ProposeFields, TITLE_MAX } from './goal-input';
export { GOAL_ACTIONS, parseActionValue } from './goal-notices';
export { listGoals } from './goal-queries';
export { type ProposeResult, proposeGoal } from './propose-goal';
