import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/support/quietMetrics.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    env: {
      // The AWS SDK warns once per process on Node < 22 that its 2027 releases will need Node 22
      // (@aws-sdk/core's emitWarningIfUnsupportedVersion). It changes nothing today; in tests it is noise.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    },
  },
});
