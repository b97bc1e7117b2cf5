// The package's `extend` entry point carries the `declare module 'vitest'` typing of the matchers
// (written with the `any` default that vitest's own `Matchers<T = any>` forces on every
// augmentation), so the typing is imported from there and this file keeps no `any` of its own.
import type {} from 'aws-sdk-client-mock-vitest/extend';
import { allCustomMatcherWithAliases } from 'aws-sdk-client-mock-vitest';
import { expect } from 'vitest';

/** Registers the aws-sdk-client-mock-vitest matchers (manual setup, per the package README). */
expect.extend(allCustomMatcherWithAliases);
