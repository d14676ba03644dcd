// Validates KEDA objects (a JSON array on stdin) against KEDA's CRD schema, as generated into
// @kubernetes-models/keda; prints one line per problem and exits 1 when there is any. Used by
// deploy/src/test/java/dev/forge3d/deploy/KedaSchema.java.
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject";
import { TriggerAuthentication } from "@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication";

const models = { ScaledObject, TriggerAuthentication };
let input = "";
for await (const chunk of process.stdin) input += chunk;
const problems = [];
for (const doc of JSON.parse(input)) {
  const Model = models[doc.kind];
  if (!Model) {
    problems.push(`${doc.kind}: not a KEDA kind this script knows`);
    continue;
  }
  try {
    new Model(doc).validate();
  } catch (e) {
    problems.push(`${doc.kind} ${doc.metadata?.name}: ${e.message}`);
  }
}
for (const p of problems) console.log(p);
console.log(problems.length === 0 ? "ok" : `${problems.length} problem(s)`);
process.exit(problems.length === 0 ? 0 : 1);
