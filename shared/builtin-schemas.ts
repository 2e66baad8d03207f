/**
 * The schemas Runwatch knows by name (their profiles are config/schemas/<name>.yaml), in the
 * order recognising a database tries them: the default schema first. Any other schema is read
 * through a mapping file.
 */
export const BUILTIN_SCHEMAS = ['runwatch', 'airflow', 'prefect', 'dagster', 'mlflow'] as const;
export type BuiltinSchema = (typeof BUILTIN_SCHEMAS)[number];
