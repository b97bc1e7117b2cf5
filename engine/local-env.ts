// Defaults for running the Lambda handlers in-process. Imported by the runner before the step
// handlers, so it takes effect before their module-level Logger and SDK clients are built.
// Powertools' logger resets its level to the one it was built with on every warm invocation,
// so the level must be right at construction: set POWERTOOLS_LOG_LEVEL=INFO to see step logs.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
// The SDK warns on every client that Node 20 support ends in 2027.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export {};
