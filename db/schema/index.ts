export * from './audit';
export * from './directory';
export * from './escalations';
export * from './goals';
export * from './issue-lists';
export * from './jobs';
export * from './reviews';
export * from './teams';
