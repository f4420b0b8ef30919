export {
  type ApplyOptions,
  applyGovernance,
  applyGovernanceText,
  readGovernanceRevision,
} from './apply-governance';
export {
  formatProblems,
  GovernanceInvalidError,
  type GovernanceProblem,
  type Locate,
} from './governance-problem';
export type { GovernanceFile } from './governance-schema';
export type { GovernedEntity } from './governed-tables';
export { lintGovernance, validateGovernance } from './lint-governance';
export { type ParsedGovernance, parseGovernance } from './parse-governance';
export {
  type FieldChange,
  formatPlan,
  type GovernanceAction,
  type GovernanceChange,
  type GovernancePlan,
  planGovernance,
} from './plan-governance';
