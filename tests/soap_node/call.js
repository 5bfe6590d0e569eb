// One SOAP call with the npm `soap` client, built from the WSDL a Waiter gateway serves:
//   node call.js <wsdlUrl> <apiKey> <1.1|1.2> <Operation> '<JSON arguments>'
// Prints one JSON line: {"status": 200, "result": {...}} or {"status": <http>, "fault": {...}}.
"use strict";
const soap = require("soap");

async function main() {
  const [wsdlUrl, apiKey, version, operation, argsJson] = process.argv.slice(2);
  const headers = apiKey ? { "X-Api-Key": apiKey } : {};
  const client = await soap.createClientAsync(wsdlUrl, {
    wsdl_headers: headers,
    forceSoap12Headers: version === "1.2",
  });
  if (apiKey) client.addHttpHeader("X-Api-Key", apiKey);
  const port = client.PosService[version === "1.2" ? "PosServiceSoap12" : "PosServiceSoap11"];
  const call = (args) =>
    new Promise((resolve, reject) =>
      port[operation](args, (err, result, raw, header, request) => (err ? reject(err) : resolve(result))),
    );
  try {
    const result = await call(JSON.parse(argsJson || "{}"));
    console.log(JSON.stringify({ status: 200, result }));
  } catch (err) {
    const status = err.response ? err.response.status : null;
    const body = err.root && err.root.Envelope && err.root.Envelope.Body;
    const fault = body ? body.Fault : null;
    console.log(JSON.stringify({ status, fault, body: fault ? null : String(err.body || err.message) }));
  }
}

main().catch((err) => {
  console.log(JSON.stringify({ status: null, error: String(err && err.message ? err.message : err) }));
});
