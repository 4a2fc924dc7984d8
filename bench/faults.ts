/**
 * `npm run faults [-- --scenarios 30 --seed 1]`: the fault suite. Runs seeded scenarios against `margin
 * serve`, the Notion emulator and a scripted model (serve killed while reading or posting, 5xx after a
 * committed write, 429 storms, delivery storms) and prints, for each, what reached the page: duplicates,
 * lost comments, and mismatches between the reviewer's memory and the page. Any of those is a failure.
 */
import { parseArgs } from "node:util";
import { describeFault, faultScenarios } from "./faults/faultScenarios.ts";
import { runScenario, type ScenarioResult } from "./faults/runScenario.ts";

// The AWS SDK's notice that its 2027 releases need Node 22 changes no figure here (see README "Set up").
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const { values } = parseArgs({
  options: { scenarios: { type: "string", default: "30" }, seed: { type: "string", default: "1" } },
});
const scenarios = faultScenarios(Number(values.scenarios), Number(values.seed));

console.log(`Fault suite: ${scenarios.length} scenarios, seed ${values.seed}\n`);
console.log(
  "| # | Faults | Killed | Model requests | Expected | Duplicates | Lost | Memory vs page | Notes | Settled | Seconds |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
const results: ScenarioResult[] = [];
for (const scenario of scenarios) {
  const result = await runScenario(scenario);
  results.push(result);
  console.log(
    `| ${scenario.index + 1} | ${scenario.faults.map(describeFault).join("; ")} | ${result.killed ? "yes" : "no"} | ${result.modelRequests} | ${result.expected} | ${result.duplicates} | ${result.lost} | ${result.mismatches} | ${result.notes} | ${result.settled ? "yes" : "NO"} | ${result.seconds.toFixed(1)} |`,
  );
}
for (const result of results.filter((result) => result.problems.length > 0))
  console.log(`\nScenario ${result.scenario.index + 1}: ${result.problems.join("; ")}`);
const total = (pick: (result: ScenarioResult) => number) =>
  results.reduce((sum, result) => sum + pick(result), 0);
console.log(
  `\n${results.length} scenarios, ${total((result) => result.expected)} comments expected: ${total((result) => result.duplicates)} duplicates, ${total((result) => result.lost)} lost, ${total((result) => result.mismatches)} mismatches between memory and page, ${results.filter((result) => !result.settled).length} unsettled; ${total((result) => result.seconds).toFixed(0)} s in all.`,
);
process.exitCode =
  total((result) => result.duplicates + result.lost + result.mismatches) > 0 ||
  results.some((result) => !result.settled)
    ? 1
    : 0;
