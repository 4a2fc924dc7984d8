/**
 * Every test that runs a function through its handler makes it print CloudWatch embedded-metric records on
 * stdout, as it does in Lambda: dropped here, so the test output stays readable. A test that reads them
 * captures stdout itself (`printed`), which bypasses this filter while it runs.
 */
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  if (String(chunk).startsWith('{"_aws":')) return true;
  return (write as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stdout.write;
