/** The PRM core: the schema of every PRM object and the domain rules. Pure functions, no I/O, no clock. */
export * from './schema/roles.ts';
export * from './schema/fields.ts';
export * from './schema/object.ts';
export * from './schema/registry.ts';
export * from './schema/access.ts';
export * from './schema/check.ts';
export * from './errors.ts';
export * from './money.ts';
export type * from './generated/types.ts';
